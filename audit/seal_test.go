package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sealedRun appends a run of n entries (n >= 2) as a command does under a
// seal: its run.start after Check, in one transaction; its run.end signed
// (when key is given); then its head anchored in w (when given).
func sealedRun(t testing.TB, pool *pgxpool.Pool, w Witness, key ed25519.PrivateKey, run int64, n int) (Head, error) {
	t.Helper()
	ctx := context.Background()
	s, err := OpenSeal(ctx, pool, w, key)
	if err != nil {
		return Head{}, err
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := s.Check(ctx, tx); err != nil {
			return err
		}
		_, err := Append(ctx, tx, Entry{RunID: run, Operation: OpRunStart, Details: map[string]any{"command": "migrate"}})
		return err
	})
	if err != nil {
		return Head{}, err
	}
	for i := 1; i < n-1; i++ {
		appendOne(t, pool, Entry{RunID: run, Operation: OpChunkCommit, Details: map[string]any{"chunk": i}})
	}
	var end Entry
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) (err error) {
		if end, err = Append(ctx, tx, Entry{RunID: run, Operation: OpRunEnd, Details: map[string]any{"status": "ok"}}); err != nil {
			return err
		}
		return s.SignRun(ctx, tx, run)
	})
	if err != nil {
		return Head{}, err
	}
	return s.Anchor(ctx, pool, end.Seq)
}

func mustSealedRun(t testing.TB, pool *pgxpool.Pool, w Witness, key ed25519.PrivateKey, run int64, n int) Head {
	t.Helper()
	h, err := sealedRun(t, pool, w, key, run, n)
	if err != nil {
		t.Fatalf("run %d: %v", run, err)
	}
	return h
}

func anchorFile(t testing.TB) *File { return NewFile(filepath.Join(t.TempDir(), "heads.log")) }

func count(t testing.TB, pool *pgxpool.Pool) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM sluice.audit").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func heads(t testing.TB, w Witness) []Head {
	t.Helper()
	hs, err := w.Heads(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// Each run's head is anchored with the database, the trail, its seq, hash
// and runs, signed; a later run continues the trail it finds intact, also
// when entries were added after the last anchored head (a crashed command).
func TestSealAnchorsEachRunAndContinuesAnIntactTrail(t *testing.T) {
	t.Parallel()
	priv, pub := testKeys(t)
	pool := newStore(t)
	w := anchorFile(t)
	mustSealedRun(t, pool, w, priv, 1, 4)
	appendEntries(t, pool, 2, 3, false) // killed before its end: not anchored
	last := mustSealedRun(t, pool, w, priv, 3, 4)
	hs := heads(t, w)
	if len(hs) != 2 || hs[1] != last {
		t.Fatalf("anchored %+v, want two heads, the last %+v", hs, last)
	}
	entries, err := Read(context.Background(), pool, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Identify(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	if last.Seq != 11 || last.Hash != entries[10].Hash || last.Trail != entries[0].Hash || last.Runs != 3 || last.RunID != 3 ||
		last.Database != db || !last.validSignature(pub) || hs[0].Seq != 4 || hs[0].Runs != 1 {
		t.Fatalf("heads %+v", hs)
	}
}

// Identify names the cluster by its system identifier and the database.
func TestIdentify(t *testing.T) {
	t.Parallel()
	pool := newStore(t)
	var want string
	err := pool.QueryRow(context.Background(), "SELECT system_identifier || '/' || current_database() FROM pg_control_system()").Scan(&want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Identify(context.Background(), pool)
	if err != nil || got != want || !regexp.MustCompile(`^\d+/sluicetest_`).MatchString(got) {
		t.Fatalf("Identify %q, %v; want %q", got, err, want)
	}
}

// A trail that no longer holds the last anchored head is not continued: the
// command gets a *TamperError naming what happened, and nothing is recorded.
func TestSealRefusesADamagedTrail(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(*testing.T, *pgxpool.Pool)
		kind   Kind
		seq    int64
	}{
		{"last entry deleted", sql(`DELETE FROM sluice.audit WHERE seq = 12`), Truncated, 12},
		{"last run deleted", sql(`DELETE FROM sluice.audit WHERE run_id = 3`), Truncated, 12},
		{"every entry deleted", sql(`DELETE FROM sluice.audit`), Truncated, 12},
		{"trail replaced", func(t *testing.T, pool *pgxpool.Pool) {
			mustExec(t, pool, `DELETE FROM sluice.audit`)
			appendRun(t, pool, 7, 14)
		}, Diverged, 1},
		{"anchored head rewritten", func(t *testing.T, pool *pgxpool.Pool) {
			rewrite(t, pool, 10, func(e *Entry) { e.Details["chunk"] = 99 })
			rewriteChainFrom(t, pool, 11)
		}, Diverged, 12},
		{"entry after the anchored head altered", func(t *testing.T, pool *pgxpool.Pool) {
			appendEntries(t, pool, 4, 3, false)
			mustExec(t, pool, `UPDATE sluice.audit SET os_user = 'mallory' WHERE seq = 14`)
		}, Altered, 14},
		{"entry after the anchored head deleted", func(t *testing.T, pool *pgxpool.Pool) {
			appendEntries(t, pool, 4, 3, false)
			mustExec(t, pool, `DELETE FROM sluice.audit WHERE seq = 14`)
		}, Deleted, 14},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			priv, _ := testKeys(t)
			pool := newStore(t)
			w := anchorFile(t)
			for run := int64(1); run <= 3; run++ {
				mustSealedRun(t, pool, w, priv, run, 4)
			}
			c.tamper(t, pool)
			before := count(t, pool)
			_, err := sealedRun(t, pool, w, priv, 9, 3)
			var te *TamperError
			if !errors.As(err, &te) || te.Problem.Kind != c.kind || te.Problem.Seq != c.seq {
				t.Fatalf("run on a damaged trail: %v; want %s at entry %d", err, c.kind, c.seq)
			}
			if after := count(t, pool); after != before || len(heads(t, w)) != 3 {
				t.Fatalf("the refused run recorded %d entries", after-before)
			}
		})
	}
}

func sql(stmt string) func(*testing.T, *pgxpool.Pool) {
	return func(t *testing.T, pool *pgxpool.Pool) { mustExec(t, pool, stmt) }
}

// Heads of other databases and trails in a shared anchor are not this
// trail's: a new trail begins, and its head joins them.
func TestSealIgnoresOtherDatabasesHeads(t *testing.T) {
	t.Parallel()
	pool := newStore(t)
	w := anchorFile(t)
	if err := w.Append(context.Background(), testHead(500)); err != nil {
		t.Fatal(err)
	}
	mustSealedRun(t, pool, w, nil, 1, 3)
	if hs := heads(t, w); len(hs) != 2 || hs[1].Seq != 3 || hs[1].Signature != "" {
		t.Fatalf("heads %+v", hs)
	}
}

// A trail cut while a command ran is named when the command anchors its
// head, and the head is not anchored.
func TestAnchorRefusesATrailCutDuringTheCommand(t *testing.T) {
	t.Parallel()
	pool := newStore(t)
	w := anchorFile(t)
	mustSealedRun(t, pool, w, nil, 1, 4)
	s, err := OpenSeal(context.Background(), pool, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	appendEntries(t, pool, 2, 3, true)
	mustExec(t, pool, `DELETE FROM sluice.audit WHERE seq BETWEEN 3 AND 4`)
	_, err = s.Anchor(context.Background(), pool, 7)
	var te *TamperError
	if !errors.As(err, &te) || te.Problem.Kind != Deleted || te.Problem.Seq != 4 || len(heads(t, w)) != 1 {
		t.Fatalf("anchor after the trail was cut: %v", err)
	}
}

// Without a witness or key a seal does nothing, nor does a nil one.
func TestSealWithoutWitness(t *testing.T) {
	t.Parallel()
	pool := newStore(t)
	var none *Seal
	for _, s := range []*Seal{none, {}} {
		err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
			if err := s.Check(context.Background(), tx); err != nil {
				return err
			}
			return s.SignRun(context.Background(), tx, 1)
		})
		if h, aerr := s.Anchor(context.Background(), pool, 1); err != nil || aerr != nil || h != (Head{}) {
			t.Fatalf("an empty seal: %v, %v, %+v", err, aerr, h)
		}
	}
}

// One anchor serves several target databases (targets: in the config): each
// database's trail is checked against its own heads only.
func TestOneAnchorServesSeveralDatabases(t *testing.T) {
	t.Parallel()
	a, b := newStore(t), newStore(t)
	w := anchorFile(t)
	mustSealedRun(t, a, w, nil, 1, 3)
	mustSealedRun(t, b, w, nil, 1, 4)
	mustSealedRun(t, a, w, nil, 2, 3)
	mustExec(t, a, `DELETE FROM sluice.audit WHERE run_id = 2`)
	mustSealedRun(t, b, w, nil, 2, 3)
	_, err := sealedRun(t, a, w, nil, 3, 3)
	var te *TamperError
	if !errors.As(err, &te) || te.Problem.Kind != Truncated || te.Problem.Seq != 6 {
		t.Fatalf("database a, cut: %v", err)
	}
	rep := verifyWith(t, b, Options{Anchor: &Anchor{Name: "x", Heads: heads(t, w)}, Database: mustIdentify(t, b)})
	wantOK(t, rep)
	if rep.Anchor.Heads != 2 || rep.Anchor.Other != 2 {
		t.Fatalf("database b's anchor report: %+v", rep.Anchor)
	}
}

func mustIdentify(t *testing.T, q Querier) string {
	t.Helper()
	db, err := Identify(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return db
}
