package audit

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sluicedb/sluice/sluicetest"
)

// newStore returns a pool on a fresh database holding the audit table.
func newStore(t testing.TB) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	url := sluicetest.NewPostgresDB(t)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(pool.Close)
	mustExec(t, pool, "CREATE SCHEMA sluice")
	mustExec(t, pool, Schema)
	mustExec(t, pool, Schema) // idempotent, as a migration step rerun
	return pool
}

func mustExec(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// appendOne appends e in a transaction of its own.
func appendOne(t testing.TB, pool *pgxpool.Pool, e Entry) Entry {
	t.Helper()
	var out Entry
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) (err error) {
		out, err = Append(context.Background(), tx, e)
		return err
	})
	if err != nil {
		t.Fatalf("append %s: %v", e.Operation, err)
	}
	return out
}

// appendRun appends a finished run of n entries: run.start, chunk commits,
// run.end.
func appendRun(t testing.TB, pool *pgxpool.Pool, run int64, n int) []Entry {
	t.Helper()
	return appendEntries(t, pool, run, n, true)
}

// appendEntries appends n entries of a run, the last one run.end if finished.
func appendEntries(t testing.TB, pool *pgxpool.Pool, run int64, n int, finished bool) []Entry {
	t.Helper()
	entries := make([]Entry, 0, n)
	for i := range n {
		op := OpChunkCommit
		switch {
		case i == 0:
			op = OpRunStart
		case i == n-1 && finished:
			op = OpRunEnd
		}
		details := map[string]any{"chunk": i, "rows": 10000 + i, "table": "clinical.Patients"}
		if op == OpRunEnd {
			details["status"] = "ok"
		}
		entries = append(entries, appendOne(t, pool, Entry{RunID: run, Operation: op, Details: details}))
	}
	return entries
}

func verify(t testing.TB, pool *pgxpool.Pool, pub []byte) *Report {
	t.Helper()
	rep, err := Verify(context.Background(), pool, Options{PublicKey: pub})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

// wantChain fails unless the report's chain break is exactly kind at seq.
func wantChain(t testing.TB, rep *Report, kind Kind, seq int64) {
	t.Helper()
	if rep.Chain == nil {
		t.Fatalf("chain reported intact, want %s at %d:\n%s", kind, seq, rep)
	}
	if rep.Chain.Kind != kind || rep.Chain.Seq != seq {
		t.Fatalf("chain break %s, want %s at entry %d", rep.Chain, kind, seq)
	}
}

func wantOK(t testing.TB, rep *Report) {
	t.Helper()
	if !rep.OK() {
		t.Fatalf("report not OK:\n%s", rep)
	}
}

var fixedTime = time.Date(2024, 3, 1, 9, 30, 0, 123456789, time.UTC)
