package target

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"testing"

	"github.com/jackc/pgx/v5"
)

// rowHash stands in for the transforms' row hash: 16 bytes of SHA-256 over
// the values.
func rowHash(vals ...any) []byte {
	h := sha256.Sum256(fmt.Append(nil, vals...))
	return h[:16]
}

// beginGeneration registers table id (source legacy) at generation gen,
// loading into public.name.
func beginGeneration(t testing.TB, tg *Target, id, name string, gen int) {
	t.Helper()
	err := tg.BeginTable(context.Background(), TableState{ID: id, Source: "legacy", SourceTable: name,
		TargetSchema: "public", TargetTable: name, Generation: gen, State: StateLoading, Strategy: "merge"})
	if err != nil {
		t.Fatalf("begin table %s generation %d: %v", id, gen, err)
	}
}

// xmins maps each row's key (column key as text) to the transaction that
// last wrote it: a row a merge left alone keeps its xmin.
func xmins(t testing.TB, conn *pgx.Conn, table, key string) map[string]string {
	t.Helper()
	rows, _ := conn.Query(context.Background(), fmt.Sprintf("SELECT %s::text, xmin::text FROM %s", key, table))
	out := map[string]string{}
	var k, x string
	if _, err := pgx.ForEachRow(rows, []any{&k, &x}, func() error { out[k] = x; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// rewritten lists the keys whose xmin differs between before and after, and
// the keys new or gone.
func rewritten(before, after map[string]string) []string {
	var out []string
	for k := range maps.Keys(after) {
		if before[k] != after[k] {
			out = append(out, k)
		}
	}
	for k := range maps.Keys(before) {
		if _, ok := after[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// queryText returns the first column of the only row of sql as text.
func queryText(t testing.TB, conn *pgx.Conn, sql string, args ...any) string {
	t.Helper()
	var s *string
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if s == nil {
		return "NULL"
	}
	return *s
}

func mustLoad(t testing.TB, tg *Target, c ChunkLoad) ChunkResult {
	t.Helper()
	res, err := tg.LoadChunk(context.Background(), c)
	if err != nil {
		t.Fatalf("load chunk %d of %s generation %d: %v", c.ChunkNo, c.TableID, c.Generation, err)
	}
	return res
}
