package audit

import (
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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

// fakeTrail inserts n entries by SQL, quickly and without valid hashes,
// followed by one real entry: enough for the checks that start at the last
// anchored head. It returns the real entry.
func fakeTrail(b *testing.B, pool *pgxpool.Pool, n int) Entry {
	b.Helper()
	mustExec(b, pool, `INSERT INTO sluice.audit
		SELECT g, now(), 'u', 'h', 1 + g / 20, 'chunk.commit', '{}', md5(g::text) || md5(g::text), md5((g + 1)::text) || md5((g + 1)::text)
		FROM generate_series(1, $1::int) g`, n)
	return appendOne(b, pool, Entry{RunID: int64(n/20 + 1), Operation: OpRunEnd, Details: map[string]any{"status": "ok"}})
}

// BenchmarkCheck is what a command pays before its first entry, on a trail of
// 100,000 entries: the append lock, the trail's ends, and the walk from the
// last anchored head to the end (here 0 or 1,000 entries after it).
func BenchmarkCheck(b *testing.B) {
	for _, after := range []int{0, 1000} {
		b.Run(strconv.Itoa(after)+" after", func(b *testing.B) {
			pool := newStore(b)
			ctx := context.Background()
			head := fakeTrail(b, pool, 100_000)
			appendEntries(b, pool, 9999, after, false)
			s, err := OpenSeal(ctx, pool, anchorFile(b), nil)
			if err != nil {
				b.Fatal(err)
			}
			h, err := s.Anchor(ctx, pool, head.Seq)
			if err != nil {
				b.Fatal(err)
			}
			s.Heads = []Head{h}
			for b.Loop() {
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return s.Check(ctx, tx) })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAnchor is what a command pays after its last entry, on a trail of
// 100,000 entries whose anchor holds 1,000 heads: the heads read back, the
// trail checked against the last, the runs up to the new head counted, and
// one signed line appended and synced.
func BenchmarkAnchor(b *testing.B) {
	priv, _ := LoadPrivateKey("testdata/openssl_private.pem")
	pool := newStore(b)
	ctx := context.Background()
	head := fakeTrail(b, pool, 100_000)
	w := anchorFile(b)
	s, err := OpenSeal(ctx, pool, w, priv)
	if err != nil {
		b.Fatal(err)
	}
	for range 1000 {
		if _, err := s.Anchor(ctx, pool, head.Seq); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := s.Anchor(ctx, pool, head.Seq); err != nil {
			b.Fatal(err)
		}
	}
}
