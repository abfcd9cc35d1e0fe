package audit

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// BenchmarkAppend appends a chunk.commit entry per transaction, as a chunk
// load would: lock, read the head, hash, insert, commit.
func BenchmarkAppend(b *testing.B) {
	pool := newStore(b)
	ctx := context.Background()
	details := map[string]any{"table": "clinical.Patients", "generation": 1, "chunk": 0,
		"after_key": []any{20000}, "last_key": []any{30000}, "rows_read": 10000, "rows_loaded": 9998,
		"rows_rejected": 2, "content_hash": "3f786850e387550fdab836ed7e6dc881de23001b"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		details["chunk"] = i
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := Append(ctx, tx, Entry{RunID: 1, Operation: OpChunkCommit, Details: details})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendParallel appends from 8 goroutines, which the append lock
// serialises.
func BenchmarkAppendParallel(b *testing.B) {
	pool := newStore(b)
	ctx := context.Background()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				_, err := Append(ctx, tx, Entry{RunID: 1, Operation: OpChunkCommit, Details: map[string]any{"rows": 10000}})
				return err
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkVerify verifies a trail of 10,000 entries.
func BenchmarkVerify(b *testing.B) {
	pool := newStore(b)
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for i := range 10000 {
			if _, err := Append(ctx, tx, Entry{RunID: 1, Operation: OpChunkCommit, Details: map[string]any{"chunk": i, "rows": 10000}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := Verify(ctx, pool, Options{})
		if err != nil || !rep.OK() {
			b.Fatalf("verify: %v %v", rep, err)
		}
	}
}
