package target

import (
	"context"
	"fmt"
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
