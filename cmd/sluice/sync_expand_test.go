package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// A table whose count column is expanded into rows, under live sync: a new
// clinic brings its chairs, a changed count replaces them (up and down, to
// none), a deleted clinic takes them along. After catch-up the chairs are
// exactly what a fresh migrate of the source makes, and verify is clean.
func TestSyncExpansion(t *testing.T) {
	src := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, src, `CREATE TABLE clinics (id int PRIMARY KEY, name text, chairs int);
		INSERT INTO clinics VALUES (1, 'a', 2), (2, 'b', 0), (3, 'c', 1), (5, 'e', 2)`)
	config := func(target string) string {
		return fmt.Sprintf(`version: 1
sources:
  src:
    url: %s
target:
  url: %s
defaults:
  keys: uuid
tables:
  src.clinics:
    expand:
      chairs: {count: chairs, ordinal: chair_no}
`, src, target)
	}
	tgt := sluicetest.NewPostgresDB(t)
	in := invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", config(tgt))
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })
	sluicetest.ExecPostgres(t, src, `INSERT INTO clinics VALUES (4, 'd', 3);
		UPDATE clinics SET chairs = 4 WHERE id = 1;
		UPDATE clinics SET chairs = 0 WHERE id = 3;
		UPDATE clinics SET chairs = 1, name = 'bb' WHERE id = 2;
		DELETE FROM clinics WHERE id = 5`)
	sluicetest.ExecPostgres(t, src, `UPDATE clinics SET chairs = 1 WHERE id = 4`)
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)

	fresh := sluicetest.NewPostgresDB(t)
	again := invocation{dir: t.TempDir()}
	writeFile(t, again.dir, "sluice.yaml", config(fresh))
	wantCode(t, again.run(t, "migrate", "--progress", "none"), 0)

	synced, migrated := chairRows(t, tgt), chairRows(t, fresh)
	if want := "1:1,1:2,1:3,1:4,2:1,4:1"; chairsOf(synced) != want {
		t.Errorf("the synced target's chairs (clinic:chair) are %s, want %s", chairsOf(synced), want)
	}
	if strings.Join(synced, "\n") != strings.Join(migrated, "\n") {
		t.Errorf("the synced chairs differ from a fresh migrate's:\nsynced:\n%s\nmigrated:\n%s", strings.Join(synced, "\n"), strings.Join(migrated, "\n"))
	}
	wantCode(t, in.run(t, "verify"), 0)
}

// chairRows lists the target's chairs whole (id, clinic uuid, ordinal) with
// their clinic's legacy key first, in order.
func chairRows(t *testing.T, url string) []string {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	return pgLines(t, conn, `SELECT p.legacy_id || ':' || c.chair_no || ' ' || c::text FROM chairs c JOIN clinics p ON p.id = c.clinics_id
		ORDER BY p.legacy_id, c.chair_no`)
}

func chairsOf(rows []string) string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _, _ = strings.Cut(r, " ")
	}
	return strings.Join(out, ",")
}
