package audit

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

const madeUpHash = "deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef"

// Each case tampers with a valid chain of ten entries by hand, as someone
// with write access to sluice.audit could, and Verify must name the exact
// entry and what happened to it.
func TestVerifyNamesTheTamperedEntry(t *testing.T) {
	cases := []struct {
		name   string
		tamper []string // SQL statements
		kind   Kind
		seq    int64
		detail string
	}{
		{"details edited", []string{`UPDATE sluice.audit SET details = jsonb_set(details, '{rows}', '1') WHERE seq = 5`}, Altered, 5, "content does not match"},
		{"user edited", []string{`UPDATE sluice.audit SET os_user = 'mallory' WHERE seq = 7`}, Altered, 7, "content does not match"},
		{"time edited", []string{`UPDATE sluice.audit SET at = at - interval '1 second' WHERE seq = 1`}, Altered, 1, "content does not match"},
		{"hash edited", []string{`UPDATE sluice.audit SET hash = '` + madeUpHash + `' WHERE seq = 6`}, Altered, 6, "content does not match"},
		{"prev_hash edited", []string{`UPDATE sluice.audit SET prev_hash = '` + madeUpHash + `' WHERE seq = 6`}, Altered, 6, "prev_hash does not match entry 5"},
		{"details unreadable", []string{`UPDATE sluice.audit SET details = '[1, 2]' WHERE seq = 4`}, Altered, 4, "not a JSON object"},
		{"deleted", []string{`DELETE FROM sluice.audit WHERE seq = 5`}, Deleted, 5, "entry 5 is missing"},
		{"several deleted", []string{`DELETE FROM sluice.audit WHERE seq BETWEEN 4 AND 6`}, Deleted, 4, "entries 4..6 are missing"},
		{"first deleted", []string{`DELETE FROM sluice.audit WHERE seq = 1`}, Deleted, 1, "entry 1 is missing"},
		{"inserted in the middle", append(shiftFrom(5), insertFake(5, "(SELECT hash FROM sluice.audit WHERE seq = 4)")), Inserted, 5, "passes over it"},
		{"inserted at the end", []string{insertFake(11, "'"+madeUpHash+"'")}, Inserted, 11, "neither its hash nor its link"},
		{"copy of an entry appended", []string{`INSERT INTO sluice.audit SELECT 11, at, os_user, host, run_id, operation, details, prev_hash, hash FROM sluice.audit WHERE seq = 3`}, Inserted, 11, "claims to follow entry 2"},
		{"adjacent entries swapped", swap(5, 6), Reordered, 5, "chained to entry 6, which comes after it"},
		{"distant entries swapped", swap(3, 8), Reordered, 3, "chained to entry 7, which comes after it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pool := newStore(t)
			appendRun(t, pool, 1, 10)
			wantOK(t, verify(t, pool, nil))
			for _, sql := range c.tamper {
				mustExec(t, pool, sql)
			}
			rep := verify(t, pool, nil)
			wantChain(t, rep, c.kind, c.seq)
			if !strings.Contains(rep.Chain.Detail, c.detail) {
				t.Errorf("detail %q does not say %q", rep.Chain.Detail, c.detail)
			}
		})
	}
}

// An entry rewritten with a recomputed hash is still found: the next entry
// was chained to the old hash.
func TestVerifyFindsARehashedEntry(t *testing.T) {
	pool := newStore(t)
	appendRun(t, pool, 1, 10)
	rewrite(t, pool, 5, func(e *Entry) { e.Details["rows"] = 1 })
	wantChain(t, verify(t, pool, nil), Altered, 5)
}

// rewrite changes entry seq as an informed attacker would: content and a
// matching hash.
func rewrite(t *testing.T, pool *pgxpool.Pool, seq int64, change func(*Entry)) {
	t.Helper()
	entries, err := Read(context.Background(), pool, seq, seq)
	if err != nil || len(entries) != 1 {
		t.Fatalf("read entry %d: %v", seq, err)
	}
	e := entries[0]
	change(&e)
	hash, err := ComputeHash(e)
	if err != nil {
		t.Fatal(err)
	}
	details, err := appendCanonical(nil, mustNormal(t, e.Details))
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, pool, "UPDATE sluice.audit SET details = $1::text::jsonb, hash = $2 WHERE seq = $3", string(details), hash, seq)
}

func mustNormal(t *testing.T, details map[string]any) map[string]any {
	t.Helper()
	normal, err := normalizeDetails(details)
	if err != nil {
		t.Fatal(err)
	}
	return normal
}

// shiftFrom renumbers the entries from seq on by one, making room for an
// insertion (in two steps, so that the primary key never sees a duplicate).
func shiftFrom(seq int) []string {
	return []string{
		`UPDATE sluice.audit SET seq = -seq WHERE seq >= ` + itoa(seq),
		`UPDATE sluice.audit SET seq = -seq + 1 WHERE seq < 0`,
	}
}

func swap(a, b int) []string {
	return []string{
		`UPDATE sluice.audit SET seq = 0 WHERE seq = ` + itoa(a),
		`UPDATE sluice.audit SET seq = ` + itoa(a) + ` WHERE seq = ` + itoa(b),
		`UPDATE sluice.audit SET seq = ` + itoa(b) + ` WHERE seq = 0`,
	}
}

func insertFake(seq int, prevHash string) string {
	return `INSERT INTO sluice.audit (seq, at, os_user, host, run_id, operation, details, prev_hash, hash)
		VALUES (` + itoa(seq) + `, now(), 'mallory', 'laptop', 1, 'chunk.commit', '{"rows": 1}', ` + prevHash + `, '` + madeUpHash + `')`
}

func itoa(n int) string { return strconv.Itoa(n) }
