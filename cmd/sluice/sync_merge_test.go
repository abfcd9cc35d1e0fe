package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// Two sources merged into one target table (rows kept apart, each with its
// source) under changes from both: each source's stream writes and deletes
// only its own rows, a truncate on one source empties only its rows. A
// table merged on match_on is followed too (sync_match_test.go tests its
// rules).
func TestSyncMergedSources(t *testing.T) {
	s1, s2 := sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)
	for _, src := range []string{s1, s2} {
		sluicetest.ExecPostgres(t, src, `CREATE TABLE people (id int PRIMARY KEY, name text);
			CREATE TABLE cust (id int PRIMARY KEY, mrn text, name text);
			INSERT INTO people VALUES (1, 'ann'), (2, 'bob'); INSERT INTO cust VALUES (1, 'm1', 'x')`)
	}
	tgt := sluicetest.NewPostgresDB(t)
	in := invocation{dir: t.TempDir()}
	writeFile(t, in.dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  one:
    url: %s
  two:
    url: %s
target:
  url: %s
defaults:
  keys: uuid
tables:
  people:
    from: [one.people, two.people]
  customers:
    from: [one.cust, two.cust]
    match_on: [mrn]
`, s1, s2, tgt))
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)
	t.Cleanup(func() { in.run(t, "sync", "--drop-slot") })
	sluicetest.ExecPostgres(t, s1, `UPDATE people SET name = 'anne' WHERE id = 1; DELETE FROM people WHERE id = 2; INSERT INTO people VALUES (3, 'cy');
		UPDATE cust SET name = 'x1' WHERE id = 1`)
	sluicetest.ExecPostgres(t, s2, `TRUNCATE people; INSERT INTO people VALUES (9, 'zed')`)
	wantCode(t, in.run(t, "sync", "--catch-up", "--progress", "none"), 0)

	conn, err := pgx.Connect(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	got := strings.Join(pgLines(t, conn, "SELECT source || ':' || legacy_id || '=' || name FROM people"), ",")
	if want := "one:1=anne,one:3=cy,two:9=zed"; got != want {
		t.Errorf("people holds %s, want %s", got, want)
	}
	if got := strings.Join(pgLines(t, conn, "SELECT mrn || '=' || name FROM customers"), ","); got != "m1=x1" {
		t.Errorf("customers holds %s, want m1=x1 (the first source's change)", got)
	}
}
