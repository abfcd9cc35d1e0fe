package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The tamper matrix of docs/RELIABILITY.md: every way of tampering with the
// trail, against what the auditor has besides it: nothing, the public key, the
// anchor, or both. Each cell names the kind of problem that must be found, or
// "" where the tampering cannot be detected by design, which the test proves
// too (the report is clean), so that the documented table stays true.

// mode is what the auditor has besides the trail.
type mode struct {
	name        string
	key, anchor bool
}

var modes = [4]mode{{"no key, no anchor", false, false}, {"key", true, false}, {"anchor", false, true}, {"key and anchor", true, true}}

// fixture is a trail of three finished runs of four entries (seq 1..12),
// written as a command does under the mode's seal: heads signed with the key,
// anchored in the anchor; kept in sluice.audit_fixture to restore between
// cases, and exported.
type fixture struct {
	pool   *pgxpool.Pool
	pub    ed25519.PublicKey
	anchor *Anchor
	db     string
	export []byte
}

// allRuns is what sluice.runs says of the fixture's runs.
var allRuns = []Run{{1, "migrate", "ok"}, {2, "verify", "ok"}, {3, "migrate", "ok"}}

func newFixture(t *testing.T, m mode) *fixture {
	t.Helper()
	priv, pub := testKeys(t)
	f := &fixture{pool: newStore(t)}
	var w *File
	if m.anchor {
		w = anchorFile(t)
	}
	if !m.key {
		priv = nil
	} else {
		f.pub = pub
	}
	for run := int64(1); run <= 3; run++ {
		mustSealedRun(t, f.pool, witnessOrNil(w), priv, run, 4)
	}
	if m.anchor {
		f.anchor = &Anchor{Name: w.Path, Heads: heads(t, w)}
	}
	var err error
	if f.db, err = Identify(context.Background(), f.pool); err != nil {
		t.Fatal(err)
	}
	f.export = export(t, f.pool)
	mustExec(t, f.pool, "CREATE TABLE sluice.audit_fixture AS SELECT * FROM sluice.audit")
	return f
}

// witnessOrNil keeps a nil *File from becoming a non-nil Witness.
func witnessOrNil(w *File) Witness {
	if w == nil {
		return nil
	}
	return w
}

func (f *fixture) restore(t *testing.T) {
	t.Helper()
	mustExec(t, f.pool, "TRUNCATE sluice.audit")
	mustExec(t, f.pool, "INSERT INTO sluice.audit SELECT * FROM sluice.audit_fixture")
}

func (f *fixture) options(runs []Run) Options {
	return Options{PublicKey: f.pub, Anchor: f.anchor, Database: f.db, CheckRuns: true, Runs: runs}
}

// wantFound checks one cell: kind among the report's problems, or a clean
// report where kind is "" (undetectable by design).
func wantFound(t *testing.T, rep *Report, kind Kind) {
	t.Helper()
	if kind == "" {
		if !rep.OK() {
			t.Fatalf("documented as undetectable here, yet found:\n%s", rep)
		}
		return
	}
	for _, p := range rep.Problems() {
		if p.Kind == kind {
			return
		}
	}
	t.Fatalf("not found: want %s:\n%s", kind, rep)
}

func TestTamperMatrixTable(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(*testing.T, *pgxpool.Pool)
		runs   []Run   // what sluice.runs says afterwards
		want   [4]Kind // by mode
	}{
		{"entry edited", sql(`UPDATE sluice.audit SET details = '{"chunk": 7}' WHERE seq = 6`), allRuns,
			[4]Kind{Altered, Altered, Altered, Altered}},
		{"entry inserted", func(t *testing.T, pool *pgxpool.Pool) {
			for _, s := range append(shiftFrom(6), insertFake(6, "(SELECT hash FROM sluice.audit WHERE seq = 5)")) {
				mustExec(t, pool, s)
			}
		}, allRuns, [4]Kind{Inserted, Inserted, Inserted, Inserted}},
		{"entry deleted in the middle", sql(`DELETE FROM sluice.audit WHERE seq = 6`), allRuns,
			[4]Kind{Deleted, Deleted, Deleted, Deleted}},
		{"entries reordered", func(t *testing.T, pool *pgxpool.Pool) {
			for _, s := range swap(5, 6) {
				mustExec(t, pool, s)
			}
		}, allRuns, [4]Kind{Reordered, Reordered, Reordered, Reordered}},
		{"last entry deleted", sql(`DELETE FROM sluice.audit WHERE seq = 12`), allRuns,
			[4]Kind{UnrecordedRun, MissingSignature, Truncated, Truncated}},
		{"last run deleted", sql(`DELETE FROM sluice.audit WHERE run_id = 3`), allRuns,
			[4]Kind{UnrecordedRun, UnrecordedRun, Truncated, Truncated}},
		{"last run deleted with its sluice.runs row", sql(`DELETE FROM sluice.audit WHERE run_id = 3`), allRuns[:2],
			[4]Kind{"", "", Truncated, Truncated}},
		{"every entry deleted", sql(`DELETE FROM sluice.audit`), allRuns,
			[4]Kind{UnrecordedRun, MissingSignature, Truncated, Truncated}},
		{"every entry and every run deleted", sql(`DELETE FROM sluice.audit`), nil,
			[4]Kind{"", MissingSignature, Truncated, Truncated}},
		{"entry rewritten, every later hash recomputed", rehashFrom6, allRuns,
			[4]Kind{"", BadSignature, Diverged, Diverged}},
	}
	for i, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, m)
			wantFound(t, verifyWith(t, f.pool, f.options(allRuns)), "")
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					f.restore(t)
					c.tamper(t, f.pool)
					wantFound(t, verifyWith(t, f.pool, f.options(c.runs)), c.want[i])
				})
			}
		})
	}
}

func rehashFrom6(t *testing.T, pool *pgxpool.Pool) {
	rewrite(t, pool, 6, func(e *Entry) { e.Details["chunk"] = 99 })
	rewriteChainFrom(t, pool, 7)
}

func verifyWith(t *testing.T, q Querier, o Options) *Report {
	t.Helper()
	rep, err := Verify(context.Background(), q, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The same matrix for an exported file: there is no sluice.runs to
// cross-check and no database identity, so without a key or an anchor its
// end cannot be proven at all.
func TestTamperMatrixExport(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(*testing.T, *fixture, []string) []string
		want   [4]Kind
	}{
		{"line edited", func(_ *testing.T, _ *fixture, l []string) []string {
			l[5] = strings.Replace(l[5], `"os_user":"`, `"os_user":"x`, 1)
			return l
		}, [4]Kind{Altered, Altered, Altered, Altered}},
		{"line inserted", func(_ *testing.T, _ *fixture, l []string) []string {
			return append(l[:5], append([]string{l[4]}, l[5:]...)...) // a second entry 5
		}, [4]Kind{Inserted, Inserted, Inserted, Inserted}},
		{"line deleted in the middle", func(_ *testing.T, _ *fixture, l []string) []string { return append(l[:5], l[6:]...) },
			[4]Kind{Deleted, Deleted, Deleted, Deleted}},
		{"lines swapped", func(_ *testing.T, _ *fixture, l []string) []string { l[5], l[6] = l[6], l[5]; return l },
			[4]Kind{Reordered, Reordered, Reordered, Reordered}},
		{"last line removed", func(_ *testing.T, _ *fixture, l []string) []string { return l[:11] },
			[4]Kind{"", MissingSignature, Truncated, Truncated}},
		{"last run removed", func(_ *testing.T, _ *fixture, l []string) []string { return l[:8] },
			[4]Kind{"", "", Truncated, Truncated}},
		{"every line removed", func(_ *testing.T, _ *fixture, _ []string) []string { return nil },
			[4]Kind{"", MissingSignature, Unanchored, Unanchored}},
		{"file cut in its last line", func(_ *testing.T, _ *fixture, l []string) []string {
			l[11] = l[11][:len(l[11])/2]
			return l
		}, [4]Kind{Altered, Altered, Altered, Altered}},
		{"line rewritten, every later hash recomputed", func(t *testing.T, f *fixture, _ []string) []string {
			f.restore(t)
			rehashFrom6(t, f.pool)
			return exportLines(export(t, f.pool))
		}, [4]Kind{"", BadSignature, Diverged, Diverged}},
	}
	for i, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, m)
			lines := exportLines(f.export)
			if len(lines) != 12 {
				t.Fatalf("%d lines exported, want 12", len(lines))
			}
			o := Options{PublicKey: f.pub, Anchor: f.anchor}
			wantFound(t, verifyLines(t, f.export, nil), "")
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					tampered := strings.Join(c.tamper(t, f, append([]string(nil), lines...)), "")
					rep, err := VerifyLines(strings.NewReader(tampered), o)
					if err != nil {
						t.Fatal(err)
					}
					wantFound(t, rep, c.want[i])
				})
			}
		})
	}
}

func exportLines(data []byte) []string {
	lines := strings.SplitAfter(string(data), "\n")
	return lines[:len(lines)-1] // the empty string after the last newline
}

// The anchor's own checks: heads of other databases are counted, not
// compared; an anchor with no head of this trail vouches for nothing; a
// forged signature on an anchored head is bad; the report says all of it.
func TestVerifyAgainstAnchor(t *testing.T) {
	t.Parallel()
	f := newFixture(t, modes[3])
	mine := f.anchor.Heads
	other := testHead(99)
	rep := verifyWith(t, f.pool, Options{PublicKey: f.pub, Anchor: &Anchor{Name: "heads.log", Heads: append([]Head{other}, mine...)}, Database: f.db})
	wantOK(t, rep)
	text := rep.String()
	for _, want := range []string{"anchor: heads.log: 3 heads of this trail, the last at entry 12 (run 3", "3 signed, 0 unsigned (3 valid)",
		"1 heads of other trails or databases, not compared", "the trail holds every one of them"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	wantFound(t, verifyWith(t, f.pool, Options{Anchor: &Anchor{Name: "x", Heads: []Head{other}}, Database: f.db}), Unanchored)

	forged := mine[1]
	forged.Runs = 5
	rep = verifyWith(t, f.pool, Options{PublicKey: f.pub, Anchor: &Anchor{Name: "x", Heads: []Head{mine[0], forged}}, Database: f.db})
	wantFound(t, rep, BadSignature)
	wantFound(t, rep, Diverged)
	if !bytes.Contains([]byte(rep.String()), []byte("up to this entry the trail holds 2 runs")) {
		t.Errorf("report:\n%s", rep)
	}
}
