package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

func TestOpenUnreachable(t *testing.T) {
	for _, u := range []string{
		"postgres://reader:s3cretpw@127.0.0.1:1/db?connect_timeout=2",
		"postgres://reader:s3cretpw@127.0.0.1:notaport/db",
		"postgresql://reader:s3cret%40pw@127.0.0.1:1/db?schema=x&connect_timeout=2",
	} {
		_, err := Open(t.Context(), "billing", u)
		var ce *sluice.ConnectError
		if !errors.As(err, &ce) {
			t.Errorf("open %s: got %v, want a *sluice.ConnectError", sluice.RedactURL(u), err)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "s3cret") || !strings.Contains(msg, "127.0.0.1") || !strings.Contains(msg, "billing") {
			t.Errorf("open %s: %q must name the source and host and hide the password", sluice.RedactURL(u), msg)
		}
	}
}

// TestSourceCannotWrite writes through the source's own pool: every session
// is read-only.
func TestSourceCannotWrite(t *testing.T) {
	src := openURL(t, newDB(t, "CREATE TABLE t (a integer); INSERT INTO t VALUES (1);"))
	defer src.Close()
	for _, stmt := range []string{"INSERT INTO t VALUES (2)", "UPDATE t SET a = 3", "DELETE FROM t", "CREATE TABLE u (b integer)", "DROP TABLE t"} {
		if _, err := src.pool.Exec(t.Context(), stmt); err == nil || !strings.Contains(err.Error(), "25006") {
			t.Errorf("%s through the source: %v, want a read-only transaction error (25006)", stmt, err)
		}
	}
	if n, err := src.Count(t.Context(), "t", ""); err != nil || n != 1 {
		t.Errorf("count t: %d (%v), want 1", n, err)
	}
}

const shapes = `
CREATE SCHEMA "Other Schema";
CREATE TABLE "Other Schema".parent (k integer PRIMARY KEY, code text NOT NULL, v int,
    CONSTRAINT parent_code_v UNIQUE (code, v));
CREATE UNIQUE INDEX parent_partial ON "Other Schema".parent (v) WHERE v > 0;
CREATE INDEX parent_expr ON "Other Schema".parent (lower(code));
CREATE INDEX parent_incl ON "Other Schema".parent (v) INCLUDE (code);
CREATE TABLE "Other Schema".child (id integer PRIMARY KEY, k integer REFERENCES "Other Schema".parent,
    ext integer REFERENCES public.outside);
CREATE TABLE "Other Schema".parted (id integer NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE "Other Schema".parted_2023 PARTITION OF "Other Schema".parted FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE "Other Schema".parted_2024 PARTITION OF "Other Schema".parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO "Other Schema".parted VALUES (1, '2023-05-01'), (2, '2024-05-01'), (3, '2024-06-01');
CREATE VIEW "Other Schema".v AS SELECT 1 AS one;
`

func TestIntrospectShapes(t *testing.T) {
	dbURL := newDB(t, "CREATE TABLE outside (id integer PRIMARY KEY);"+shapes)
	src := openURL(t, withParam(t, dbURL, "schema", "Other Schema"))
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tb := range schema.Tables {
		got = append(got, fmt.Sprintf("%s pk=%v rowid=%q idx=%v fk=%v", tb.Name, tb.PrimaryKey, tb.RowID, tb.Indexes, tb.ForeignKeys))
	}
	want := []string{
		`child pk=[id] rowid="ctid" idx=[] fk=[{child_k_fkey [k]  parent [k]  }]`,
		`parent pk=[k] rowid="ctid" idx=[{parent_code_v [code v] true   [] } {parent_expr [] false  lower(code) [] } {parent_incl [v] false   [] } {parent_partial [v] true   [] v > 0}] fk=[]`,
		`parted pk=[id at] rowid="" idx=[] fk=[]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tables:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(schema.Objects) != 1 || schema.Objects[0].Kind != sluice.ObjectView || schema.Objects[0].Name != "v" {
		t.Errorf("objects: got %+v, want the view v", schema.Objects)
	}
	if schema.Database != "Other Schema" {
		t.Errorf("database: got %q", schema.Database)
	}
	if n, err := src.Count(t.Context(), "parted", "at >= '2024-01-01'"); err != nil || n != 2 {
		t.Errorf("count parted: %d (%v), want 2", n, err)
	}
}

func withParam(t *testing.T, raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestKeysetByType pages, one row at a time, through tables keyed by types
// that are read as text (numeric, an enum) or natively (timestamp, uuid,
// text), and by ctid after deletes: each must come back in the key's order.
func TestKeysetByType(t *testing.T) {
	src := openURL(t, newDB(t, `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE nums (k numeric(6,2) PRIMARY KEY);
INSERT INTO nums VALUES (10), (1.5), (2.25), (-3);
CREATE TABLE moods (m mood PRIMARY KEY);
INSERT INTO moods VALUES ('happy'), ('sad'), ('ok');
CREATE TABLE stamps (ts timestamp PRIMARY KEY, u uuid NOT NULL);
INSERT INTO stamps VALUES ('2024-01-01 00:00:00.000001', gen_random_uuid()), ('1999-12-31 23:59:59', gen_random_uuid());
CREATE TABLE heap (v text);
INSERT INTO heap SELECT g::text FROM generate_series(1, 7) g;
DELETE FROM heap WHERE v IN ('2', '5');
`))
	defer src.Close()
	cases := []struct {
		table string
		key   string
		want  string
	}{
		{"nums", "k", "[-3.00 1.50 2.25 10.00]"},
		{"moods", "m", "[sad ok happy]"},
		{"stamps", "ts", "[1999-12-31 23:59:59 +0000 UTC 2024-01-01 00:00:00.000001 +0000 UTC]"},
		{"heap", "ctid", "[(0,1) (0,3) (0,4) (0,6) (0,7)]"},
	}
	for _, c := range cases {
		keys := pageKeys(t, src, c.table, c.key)
		if got := fmt.Sprint(keys); got != c.want {
			t.Errorf("%s by %s: %s, want %s", c.table, c.key, got, c.want)
		}
	}
}

func pageKeys(t *testing.T, src *Source, table, key string) []any {
	t.Helper()
	var keys []any
	var after []any
	for range 20 {
		it, err := src.Read(t.Context(), sluice.ReadRequest{Table: table, Key: []string{key}, After: after, Limit: 1})
		if err != nil {
			t.Fatalf("read %s after %v: %v", table, after, err)
		}
		n := 0
		for it.Next() {
			after = it.Key()
			keys = append(keys, after[0])
			n++
		}
		if err := it.Err(); err != nil {
			t.Fatalf("read %s after %v: %v", table, after, err)
		}
		it.Close()
		if n == 0 {
			return keys
		}
	}
	t.Fatalf("%s: paging did not end", table)
	return nil
}

// TestTerminatedIsTransient kills the backend serving a read: the error must
// be one that the migration retries.
func TestTerminatedIsTransient(t *testing.T) {
	dbURL := newDB(t, "CREATE TABLE t (a integer); INSERT INTO t VALUES (1);")
	src := openURL(t, withParam(t, dbURL, "application_name", "sluice_terminate_test"))
	defer src.Close()
	done := make(chan error, 1)
	go func() { done <- terminate(dbURL, "sluice_terminate_test") }()
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "t", Columns: []string{"a"}, Where: "pg_sleep(10) IS NOT NULL"})
	if err == nil {
		for it.Next() {
		}
		err = it.Err()
		it.Close()
	}
	if termErr := <-done; termErr != nil {
		t.Fatal(termErr)
	}
	if !sluice.IsTransient(err) || !strings.Contains(err.Error(), "57P01") {
		t.Errorf("read on a terminated backend: got %v, want a transient error (57P01)", err)
	}
	if n, err := src.Count(t.Context(), "t", ""); err != nil || n != 1 {
		t.Errorf("count after the termination: %d (%v), want 1 (the pool reconnects)", n, err)
	}
}

func terminate(dbURL, app string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for ctx.Err() == nil {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE application_name = $1 AND query LIKE '%pg_sleep%' AND state = 'active'`, app).Scan(&n)
		if err != nil || n > 0 {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ctx.Err()
}

// TestInheritanceChildrenAreTheirOwnTables: before PostgreSQL 10, tables were
// partitioned by inheritance. A parent's rows are its own: its children are
// listed, counted and read as tables of their own, never twice; a declarative
// partitioned table is read through its partitions.
func TestInheritanceChildrenAreTheirOwnTables(t *testing.T) {
	src := openURL(t, newDB(t, `
		CREATE TABLE logs (id integer PRIMARY KEY, msg text);
		CREATE TABLE logs_2020 () INHERITS (logs);
		INSERT INTO logs VALUES (1, 'parent a'), (2, 'parent b');
		INSERT INTO logs_2020 VALUES (1, 'child a'), (3, 'child b');
		CREATE TABLE parted (id integer, msg text) PARTITION BY RANGE (id);
		CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (10);
		INSERT INTO parted VALUES (1, 'x'), (2, 'y');`))
	defer src.Close()
	ctx := t.Context()
	for table, want := range map[string]int64{"logs": 2, "logs_2020": 2, "parted": 2} {
		if n, err := src.Count(ctx, table, ""); err != nil || n != want {
			t.Errorf("Count(%s) = %d, %v; want %d", table, n, err, want)
		}
		it, err := src.Read(ctx, sluice.ReadRequest{Table: table, Columns: []string{"id", "msg"}})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for it.Next() {
			n++
		}
		if err := it.Err(); err != nil || n != want {
			t.Errorf("Read(%s) gave %d rows, %v; want %d", table, n, err, want)
		}
		it.Close()
	}
	if got := pageKeys(t, src, "logs", "id"); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("paging logs by id gave %v, want [1 2] (its child's rows are not its own)", got)
	}
}
