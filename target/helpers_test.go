package target

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice/sluicetest"
)

// newTarget opens a target on a fresh database with the state schema, and
// returns a plain connection beside it for the test's own checks.
func newTarget(t testing.TB) (*Target, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	url := sluicetest.NewPostgresDB(t)
	tg, err := Open(ctx, url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(tg.Close)
	if err := tg.EnsureState(ctx); err != nil {
		t.Fatalf("ensure state: %v", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return tg, conn
}

func mustExec(t testing.TB, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryInt(t testing.TB, conn *pgx.Conn, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// beginTable registers table id at generation 1, loading into public.name.
func beginTable(t testing.TB, tg *Target, id, name string) {
	t.Helper()
	err := tg.BeginTable(context.Background(), TableState{ID: id, Source: "legacy", SourceTable: name,
		TargetSchema: "public", TargetTable: name, Generation: 1, State: StateLoading, Strategy: "create"})
	if err != nil {
		t.Fatalf("begin table: %v", err)
	}
}

// keysOf serves row keys from a slice, as ChunkLoad.KeyOf.
func keysOf(keys []string) func(int) string {
	return func(i int) string { return keys[i] }
}

// pgStrings runs a query whose rows are one text column.
func pgStrings(t testing.TB, conn *pgx.Conn, sql string, args ...any) []string {
	t.Helper()
	rows, _ := conn.Query(context.Background(), sql, args...)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}
