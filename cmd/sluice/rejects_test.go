package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// legacyScript is a small SQLite source with two values that cannot be
// converted (a 6-character code for varchar(3), a flag of 2) and, when
// orphan is set, a child row whose parent does not exist.
func legacyScript(orphan bool) string {
	child := 4
	if orphan {
		child = 99
	}
	return `CREATE TABLE Parent (Id INTEGER PRIMARY KEY, Code VARCHAR(3), Active BOOLEAN);
INSERT INTO Parent VALUES (1, 'abc', 1), (2, 'abcdef', 0), (3, 'x', 2), (4, 'y', 1), (5, NULL, 0);
CREATE TABLE Child (Id INTEGER PRIMARY KEY, ParentId INTEGER REFERENCES Parent (Id));
INSERT INTO Child VALUES (1, 1), (2, ` + strconv.Itoa(child) + `), (3, NULL);`
}

// legacyConfig writes a SQLite source from script and a config migrating
// it into a fresh target database; it returns the directory and target URL.
func legacyConfig(t *testing.T, script string) (dir, target string) {
	t.Helper()
	dir = t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "legacy.db"), script)
	target = sluicetest.NewPostgresDB(t)
	writeFile(t, dir, "sluice.yaml", "version: 1\nsources:\n  legacy:\n    url: "+src+
		"\ntarget:\n  url: "+target+"\ndefaults:\n  keys: uuid\n")
	return dir, target
}

// More rejected rows than --max-rejects allows is exit code 4; the summary
// still lists each rejected row with its reason, and the rows are in
// sluice.rejects. Allowing them is exit code 0.
func TestTooManyRejectsExit4(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		maxRejects string
		code       int
	}{{"0", 4}, {"1", 4}, {"2", 0}} {
		t.Run("max-rejects "+c.maxRejects, func(t *testing.T) {
			t.Parallel()
			dir, target := legacyConfig(t, legacyScript(false))
			r := invocation{dir: dir}.run(t, "migrate", "--progress", "none", "--max-rejects", c.maxRejects)
			wantCode(t, r, c.code)
			for _, want := range []string{"legacy.Parent  2", "varchar(3)", "abcdef", "legacy.Parent  3", "2 is not a boolean"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("the summary does not list %q:\n%s", want, r)
				}
			}
			if c.code == 4 && !strings.Contains(r.stderr, "2 rows rejected (allowed: "+c.maxRejects+")") {
				t.Errorf("the message does not say how many rows were rejected:\n%s", r)
			}
			conn := pgConn(t, target)
			got := pgRows(t, conn, "SELECT row_key, column_name FROM sluice.rejects ORDER BY row_key")
			if strings.Join(got, "; ") != "2 | code; 3 | active" {
				t.Errorf("sluice.rejects holds %q, want the rows 2 (code) and 3 (active)", got)
			}
			if n := pgInt(t, conn, "SELECT count(*) FROM parent"); n != 3 {
				t.Errorf("parent holds %d rows, want the 3 valid ones", n)
			}
		})
	}
}

// A foreign key with an orphan does not reconcile: exit code 5, the message
// names the constraint.
func TestOrphanForeignKeyExit5(t *testing.T) {
	t.Parallel()
	dir, target := legacyConfig(t, legacyScript(true))
	r := invocation{dir: dir}.run(t, "migrate", "--progress", "none", "--max-rejects", "2")
	wantCode(t, r, 5)
	if !strings.Contains(r.stderr, "child") || !strings.Contains(r.stderr, "foreign key") {
		t.Errorf("the message does not name the foreign key of child:\n%s", r)
	}
	status := pgRows(t, pgConn(t, target), "SELECT status FROM sluice.runs ORDER BY run_id DESC LIMIT 1")
	if len(status) != 1 || status[0] != "invalid" {
		t.Errorf("the run is recorded as %q, want invalid", status)
	}
}
