package mysql_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// BenchmarkCaptureStream streams row changes of one table from the binlog
// of the private MariaDB: b.N inserts written beforehand in transactions of
// 1,000 rows, timed from the stream's start to the last insert decoded.
//
//	go test -run XXX -bench CaptureStream -benchtime 200000x ./mysql
func BenchmarkCaptureStream(b *testing.B) {
	srv := privateServer(b)
	db, src := captureDB(b, srv, "CREATE TABLE t (id int PRIMARY KEY, name varchar(40), amount decimal(12,2), at datetime(6))")
	spec := sluice.CaptureSpec{Name: "bench", Tables: []string{"t"}}
	pos := positionNow(b, src, spec)
	for i := 0; i < b.N; i += 1000 {
		n := min(1000, b.N-i)
		execOn(b, srv, db, "INSERT INTO t SELECT seq, CONCAT('name ', seq), seq / 100, NOW(6) FROM seq_"+strconv.Itoa(i+1)+"_to_"+strconv.Itoa(i+n))
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
