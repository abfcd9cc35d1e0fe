package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

const anchorSource = `CREATE TABLE Patients (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
INSERT INTO Patients VALUES (1, 'Ann'), (2, 'Bo'), (3, 'Cy');`

// anchoredProject writes a one-table project whose config signs and anchors
// every command's audit head (audit: with paths relative to the config).
func anchoredProject(t *testing.T) (in invocation, tgt, pub string) {
	t.Helper()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "clinic.db"), anchorSource)
	tgt = sluicetest.NewPostgresDB(t)
	_, pub = writeKeyPair(t, dir)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  clinic: {url: %q}
target: {url: %q}
audit:
  anchor: heads.log
  signing_key: audit.key
`, src, tgt))
	return invocation{dir: dir}, tgt, pub
}

// anchorLines is the anchor file of the project, line by line.
func anchorLines(t *testing.T, in invocation) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(in.dir, "heads.log"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func wantOutput(t *testing.T, r result, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.stdout+r.stderr, p) {
			t.Errorf("output lacks %q:\n%s", p, r)
		}
	}
}

// The auditor's session with an anchor: migrate and verify sign and anchor
// their heads; the trail verifies against key and anchor, online and as an
// export. Then the last run is deleted, entries and sluice.runs row alike,
// as someone who may write the target could: without the anchor nothing can
// tell; with it, audit verify names it, and migrate and verify refuse to
// continue the shortened trail, recording nothing.
func TestAnchoredTrailCannotBeShortened(t *testing.T) {
	t.Parallel()
	in, tgt, pub := anchoredProject(t)
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	wantCode(t, in.run(t, "verify"), 0)
	if lines := anchorLines(t, in); len(lines) != 2 || !strings.Contains(lines[1], `"signature":"`) || strings.Contains(lines[1], `"signature":""`) {
		t.Fatalf("anchor after migrate and verify:\n%s", strings.Join(lines, "\n"))
	}
	v := in.run(t, "audit", "verify", "--public-key", pub)
	wantCode(t, v, 0)
	wantOutput(t, v, "chain: intact", "signatures: 2 valid", "runs: 2 in sluice.runs", "heads.log: 2 heads of this trail", "(2 valid)", "the trail holds every one of them")
	export := filepath.Join(in.dir, "audit.jsonl")
	wantCode(t, in.run(t, "audit", "export", "-o", export), 0)
	wantCode(t, in.run(t, "audit", "verify", "--file", export, "--public-key", pub, "--anchor", "heads.log"), 0)

	conn := pgConn(t, tgt)
	run := pgInt(t, conn, `SELECT max(run_id) FROM sluice.runs`)
	pgInt(t, conn, `WITH a AS (DELETE FROM sluice.audit WHERE run_id = $1 RETURNING 1),
		r AS (DELETE FROM sluice.runs WHERE run_id = $1 RETURNING 1) SELECT count(*) FROM a`, run)
	entries, runs := pgInt(t, conn, `SELECT count(*) FROM sluice.audit`), pgInt(t, conn, `SELECT count(*) FROM sluice.runs`)

	// Without the anchor (--target: the config is not read), the shortened
	// trail is a complete-looking one, and the report says why it cannot tell.
	blind := in.run(t, "audit", "verify", "--public-key", pub, "--target", tgt)
	wantCode(t, blind, 0)
	wantOutput(t, blind, "anchor: none given: entries deleted from the end of the trail cannot be detected without one")
	found := in.run(t, "audit", "verify", "--public-key", pub)
	wantCode(t, found, exitValidation)
	wantOutput(t, found, "truncated: the trail ends at entry")

	for _, cmd := range [][]string{{"migrate", "--progress", "none"}, {"verify"}} {
		r := in.run(t, cmd...)
		wantCode(t, r, exitValidation)
		wantOutput(t, r, "the audit trail was tampered with", "truncated")
		if e, n := pgInt(t, conn, `SELECT count(*) FROM sluice.audit`), pgInt(t, conn, `SELECT count(*) FROM sluice.runs`); e != entries || n != runs {
			t.Errorf("%s on a shortened trail recorded %d entries and %d runs", cmd[0], e-entries, n-runs)
		}
	}
	if lines := anchorLines(t, in); len(lines) != 2 {
		t.Errorf("refused commands anchored heads: %d lines", len(lines))
	}

	// An export with its last line removed: only the anchor can tell.
	data, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	short := writeFile(t, in.dir, "short.jsonl", strings.Join(lines[:len(lines)-2], ""))
	wantCode(t, in.run(t, "audit", "verify", "--file", short), 0)
	wantOutput(t, in.run(t, "audit", "verify", "--file", short, "--anchor", "heads.log"), "truncated")
	wantCode(t, in.run(t, "audit", "verify", "--file", short, "--anchor", "heads.log"), exitValidation)

	// Every entry and every run deleted: an empty trail is said to be
	// unproven without an anchor, and is named as tampering with one.
	pgInt(t, conn, `WITH a AS (DELETE FROM sluice.audit RETURNING 1), r AS (DELETE FROM sluice.runs RETURNING 1) SELECT count(*) FROM a`)
	empty := in.run(t, "audit", "verify", "--target", tgt)
	wantCode(t, empty, 0)
	wantOutput(t, empty, "chain: empty: an empty trail cannot be proven complete without an anchor")
	emptied := in.run(t, "audit", "verify")
	wantCode(t, emptied, exitValidation)
	wantOutput(t, emptied, "the trail is empty, but the anchor holds its head", "every entry was deleted")
}

// Signing switched on after unsigned runs verifies: the unsigned heads are
// covered by the first signed one. migrate signed and verify signed verify;
// a verify without the key after them leaves work no signature covers,
// which is a finding until a signed command covers it.
func TestSigningSwitchedOnAfterUnsignedRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "clinic.db"), anchorSource)
	tgt := sluicetest.NewPostgresDB(t)
	priv, pub := writeKeyPair(t, dir)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  clinic: {url: %q}\ntarget: {url: %q}\n", src, tgt))
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	wantCode(t, in.run(t, "verify"), 0)
	wantCode(t, in.run(t, "migrate", "--progress", "none", "--signing-key", priv), 0)
	wantCode(t, in.run(t, "verify", "--signing-key", priv), 0)
	v := in.run(t, "audit", "verify", "--public-key", pub)
	wantCode(t, v, 0)
	wantOutput(t, v, "signatures: 2 valid", "2 earlier heads unsigned (covered by a later signature)")

	wantCode(t, in.run(t, "verify"), 0)
	unsigned := in.run(t, "audit", "verify", "--public-key", pub)
	wantCode(t, unsigned, exitValidation)
	wantOutput(t, unsigned, "missing signature: the head of run 5, which finished, is not signed")
	wantCode(t, in.run(t, "verify", "--signing-key", priv), 0)
	wantCode(t, in.run(t, "audit", "verify", "--public-key", pub), 0)
}

// A conflict resolution writes an entry too: it is checked, signed and
// anchored like a run's head, and a resolution on a shortened trail is
// refused.
func TestConflictResolutionIsAnchored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	east := newSQLite(t, filepath.Join(dir, "east.db"), conflictEast)
	west := newSQLite(t, filepath.Join(dir, "west.db"), conflictWest)
	tgt := sluicetest.NewPostgresDB(t)
	writeManualConfig(t, dir, east, west, tgt)
	priv, pub := writeKeyPair(t, dir)
	in := invocation{dir: dir}
	seal := []string{"--signing-key", priv, "--audit-anchor", "heads.log"}
	wantCode(t, in.run(t, append([]string{"migrate", "--progress", "none"}, seal...)...), 0)
	id := fmt.Sprint(listConflictsJSON(t, in, "open")[0].ID)
	wantCode(t, in.run(t, append([]string{"conflicts", "resolve", id, "--take", "other"}, seal...)...), 0)
	if lines := anchorLines(t, in); len(lines) != 2 || !strings.Contains(lines[1], `"run":0`) {
		t.Fatalf("anchor after migrate and a resolution:\n%s", strings.Join(lines, "\n"))
	}
	wantCode(t, in.run(t, "audit", "verify", "--public-key", pub, "--anchor", "heads.log"), 0)

	conn := pgConn(t, tgt)
	pgInt(t, conn, `WITH a AS (DELETE FROM sluice.audit WHERE seq = (SELECT max(seq) FROM sluice.audit) RETURNING 1) SELECT count(*) FROM a`)
	r := in.run(t, append([]string{"migrate", "--progress", "none"}, seal...)...)
	wantCode(t, r, exitValidation)
	wantOutput(t, r, "the audit trail was tampered with", "truncated")
	r = in.run(t, append([]string{"conflicts", "resolve", id, "--take", "owner"}, seal...)...)
	wantCode(t, r, exitValidation)
	wantOutput(t, r, "the audit trail was tampered with", "truncated")
	if phone := pgRows(t, conn, `SELECT phone FROM public.patients WHERE mrn = 'M1'`); len(phone) != 1 || phone[0] != "555-9999" {
		t.Errorf("a refused resolution changed the row: phone %v", phone)
	}
}

// A damaged anchor line, an anchor that cannot be written and a signing key
// that cannot be read stop a command before it does anything.
func TestAnchorAndKeyMistakes(t *testing.T) {
	t.Parallel()
	in, _, _ := anchoredProject(t)
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	appendLine := func(s string) {
		f, err := os.OpenFile(filepath.Join(in.dir, "heads.log"), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
	}
	appendLine("not a head\n")
	for _, args := range [][]string{{"migrate", "--progress", "none"}, {"audit", "verify"}} {
		r := in.run(t, args...)
		wantCode(t, r, exitValidation)
		wantOutput(t, r, "damaged anchor: line 2 of the anchor is not a head")
	}
	r := in.run(t, "migrate", "--progress", "none", "--audit-anchor", filepath.Join(in.dir, "missing", "heads.log"))
	wantCode(t, r, exitConfig)
	wantOutput(t, r, "--audit-anchor")
	writeFile(t, in.dir, "audit.key", "not a key")
	r = in.run(t, "verify")
	wantCode(t, r, exitConfig)
	wantOutput(t, r, "sluice.yaml:7: audit.signing_key:")
	r = in.run(t, "audit", "verify", "--anchor", "nowhere.log")
	wantCode(t, r, exitConfig)
	wantOutput(t, r, "--anchor nowhere.log")
}
