package target

import (
	"context"
	"crypto/md5"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
)

// BenchmarkLoadChunk loads chunks of 20,000 rows of 8 mixed columns, the
// whole transaction: ledger claim, COPY, counters.
func BenchmarkLoadChunk(b *testing.B) {
	ctx := context.Background()
	tg, conn := newTarget(b)
	mustExec(b, conn, `CREATE TABLE bench (id uuid PRIMARY KEY, legacy_id bigint NOT NULL, name varchar(100),
		notes text, price numeric(12,2), created timestamptz, active boolean, payload bytea)`)
	beginTable(b, tg, "legacy.bench", "bench")
	const rows = 20000
	chunkNo := 0
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		chunkNo++
		c := benchChunk(chunkNo, rows)
		b.StartTimer()
		if _, err := tg.LoadChunk(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*chunkNo)/b.Elapsed().Seconds(), "rows/s")
}

func benchChunk(chunkNo, n int) ChunkLoad {
	c := ChunkLoad{TableID: "legacy.bench", Generation: 1, ChunkNo: chunkNo, Schema: "public", Table: "bench",
		Columns: []string{"id", "legacy_id", "name", "notes", "price", "created", "active", "payload"}, RowsRead: n}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := int64(chunkNo*n + i)
		c.Rows = append(c.Rows, []any{
			[16]byte(uuid.NewSHA1(uuid.Nil, fmt.Appendf(nil, "%d", id))), id, fmt.Sprintf("Customer %d", id),
			"some notes about this row, long enough to be realistic", fmt.Sprintf("%d.%02d", id%10000, id%100),
			base.Add(time.Duration(id) * time.Second), id%2 == 0, []byte{byte(id), byte(id >> 8), 0, 0xff},
		})
	}
	c.KeyOf = func(i int) string { return fmt.Sprint(chunkNo*n + i) }
	c.LastKey = []any{int64(chunkNo*n + n - 1)}
	return c
}

// BenchmarkMergeRerun merges chunks of 20,000 rows into a table of 1,000,000
// rows that holds them already: the rerun of an unchanged source (0%), and
// one where 1% of the rows changed. Nothing but the changed rows is written.
func BenchmarkMergeRerun(b *testing.B) {
	for _, changed := range []int{0, 1} {
		b.Run(fmt.Sprintf("changed=%d%%", changed), func(b *testing.B) { benchMergeRerun(b, changed) })
	}
}

func benchMergeRerun(b *testing.B, changedPercent int) {
	ctx := context.Background()
	tg, conn := newTarget(b)
	mustExec(b, conn, `CREATE TABLE bench (id uuid PRIMARY KEY, legacy_id bigint NOT NULL, name varchar(100),
		notes text, price numeric(12,2), created timestamptz, active boolean, payload bytea, sluice_row_hash bytea)`)
	const rows, chunks = 20000, 50
	beginGeneration(b, tg, "legacy.bench", "bench", 1)
	for n := 1; n <= chunks; n++ {
		mustLoad(b, tg, hashed(benchChunk(n, rows), 0, nil))
	}
	mustExec(b, conn, "VACUUM ANALYZE bench")
	gen, chunkNo := 1, chunks
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		if chunkNo == chunks {
			gen, chunkNo = gen+1, 0
			beginGeneration(b, tg, "legacy.bench", "bench", gen)
		}
		chunkNo++
		c := hashed(benchChunk(chunkNo, rows), gen, &MergeSpec{Mode: MergeUpsert, Key: []string{"id"},
			HashColumn: "sluice_row_hash", TrackSeen: true})
		for i := 0; i < rows*changedPercent/100; i++ {
			row := c.Rows[i*100/max(changedPercent, 1)%rows]
			row[2], row[8] = fmt.Sprint("changed ", gen), rowHash(gen, row[0])
		}
		b.StartTimer()
		if _, err := tg.LoadChunk(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// hashed adds a row hash to a bench chunk and sets its generation and merge.
func hashed(c ChunkLoad, gen int, m *MergeSpec) ChunkLoad {
	c.Columns = append(c.Columns, "sluice_row_hash")
	for i, row := range c.Rows {
		c.Rows[i] = append(row, rowHash(row...))
	}
	c.Generation, c.Merge = max(gen, 1), m
	return c
}

// BenchmarkMatchedRerun merges chunks of 20,000 rows of one part of a table
// matched on a natural key, into a table of 500,000 rows that holds them
// already: the rerun of an unchanged source.
func BenchmarkMatchedRerun(b *testing.B) {
	ctx := context.Background()
	tg, conn := newTarget(b)
	mustExec(b, conn, `CREATE TABLE bench (id uuid PRIMARY KEY, source text NOT NULL, legacy_key text NOT NULL,
		name varchar(100), notes text, price numeric(12,2), created timestamptz, sluice_row_hash bytea,
		UNIQUE (source, legacy_key))`)
	const rows, chunks = 20000, 25
	beginGeneration(b, tg, "east.bench", "bench", 1)
	for n := 1; n <= chunks; n++ {
		mustLoad(b, tg, matchedBenchChunk(1, n, rows))
	}
	mustExec(b, conn, "VACUUM ANALYZE bench")
	mustExec(b, conn, "VACUUM ANALYZE sluice.legacy_keys")
	gen, chunkNo := 1, chunks
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		if chunkNo == chunks {
			gen, chunkNo = gen+1, 0
			beginGeneration(b, tg, "east.bench", "bench", gen)
		}
		chunkNo++
		c := matchedBenchChunk(gen, chunkNo, rows)
		b.StartTimer()
		res, err := tg.LoadChunk(ctx, c)
		if err != nil || res.Unchanged != rows {
			b.Fatal(res, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func matchedBenchChunk(gen, chunkNo, n int) ChunkLoad {
	c := ChunkLoad{TableID: "east.bench", Generation: gen, ChunkNo: chunkNo, Schema: "public", Table: "bench",
		Columns: []string{"id", "source", "legacy_key", "name", "notes", "price", "created", "sluice_row_hash"}, RowsRead: n,
		Merge: &MergeSpec{Mode: MergeUpsert, Key: []string{"id"}, HashColumn: "sluice_row_hash", SourceColumn: "source",
			Source: "east", TrackSeen: true, Match: &MatchSpec{LegacyColumn: "legacy_key", Rank: []string{"east", "west"},
				Manual: true, Provided: []string{"name", "notes", "price", "created"}}}}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := int64(chunkNo*n + i)
		row := []any{[16]byte(uuid.NewSHA1(uuid.Nil, fmt.Appendf(nil, "match:%d", id))), "east", fmt.Sprint(id),
			fmt.Sprintf("Customer %d", id), "some notes about this row, long enough to be realistic",
			fmt.Sprintf("%d.%02d", id%10000, id%100), base.Add(time.Duration(id) * time.Second)}
		c.Rows = append(c.Rows, append(row, rowHash(row...)))
		c.Identities = append(c.Identities, uuid.NewSHA1(uuid.Nil, fmt.Appendf(nil, "east:%d", id)))
	}
	return c
}

// BenchmarkApplyBatch applies stream batches of 5,000 whole-row updates
// (upserts, as a PostgreSQL source's updates arrive) to a table of 1,000,000
// rows: the target's side of sync's apply rate, without a source.
func BenchmarkApplyBatch(b *testing.B) {
	ctx := context.Background()
	tg, conn := newTarget(b)
	const rows, batch = 1000000, 5000
	mustExec(b, conn, `CREATE TABLE items (id uuid PRIMARY KEY, legacy_id bigint NOT NULL UNIQUE, label text, n int)`)
	mustExec(b, conn, `INSERT INTO items SELECT md5(g::text)::uuid, g, 'item ' || g, 0 FROM generate_series(1, $1::int) g`, rows)
	mustExec(b, conn, "VACUUM ANALYZE items")
	beginTable(b, tg, "legacy.items", "items")
	if err := tg.StartStream(ctx, 0, "legacy", "cap", "0", nil); err != nil {
		b.Fatal(err)
	}
	ids := make([][16]byte, rows+1)
	for i := 1; i <= rows; i++ {
		ids[i] = md5UUID(i)
	}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		sb := StreamBatch{Source: "legacy", From: fmt.Sprint(n), To: fmt.Sprint(n + 1), Transactions: 1}
		for i := range batch {
			id := (n*batch+i)%rows + 1
			sb.Changes = append(sb.Changes, RowChange{TableID: "legacy.items", Schema: "public", Table: "items", Op: OpUpsert,
				Key: []string{"id"}, Columns: []string{"id", "legacy_id", "label", "n"},
				Values: []any{ids[id], int64(id), fmt.Sprintf("item %d.", id), int32(n)}, Position: sb.To})
		}
		if _, err := tg.ApplyBatch(ctx, sb); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n*batch)/b.Elapsed().Seconds(), "changes/s")
}

func md5UUID(i int) [16]byte { return md5.Sum([]byte(strconv.Itoa(i))) }
