package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// BenchmarkCaptureStream streams row changes of one table through the
// slot of the private PostgreSQL: b.N inserts written beforehand in
// transactions of 1,000 rows, timed from the stream's start to the last
// insert decoded.
//
//	go test -run XXX -bench CaptureStream -benchtime 200000x ./postgres
func BenchmarkCaptureStream(b *testing.B) {
	srv := privateServer(b)
	url, src := captureDB(b, srv, "CREATE TABLE t (id int PRIMARY KEY, name varchar(40), amount numeric(12,2), at timestamp(6))")
	spec := sluice.CaptureSpec{Name: "bench", Tables: []string{"t"}}
	snap := sluicetest.SnapshotOf(b, src, spec)
	pos := snap.Position()
	snap.Close()
	for i := 0; i < b.N; i += 1000 {
		n := min(1000, b.N-i)
		execURL(b, url, fmt.Sprintf("INSERT INTO t SELECT g, 'name ' || g, g / 100.0, now() FROM generate_series(%d, %d) g", i+1, i+n))
	}
	b.ResetTimer()
	st := sluicetest.Changes(b, src, spec, pos)
	ctx := context.Background()
	for seen := 0; seen < b.N; {
		c, err := st.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if c.Kind == sluice.ChangeInsert {
			seen++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
