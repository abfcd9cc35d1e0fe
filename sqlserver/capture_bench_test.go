package sqlserver_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
)

// BenchmarkCaptureStream streams row changes of one table from CDC's
// change table on the TDS test server: b.N inserts written beforehand in
// transactions of 1,000 rows, timed from the stream's start to the last
// insert decoded. The test server scans and sorts the whole change table
// for each page, so this measures the source's paging and decoding over a
// server that grows slower with the table, not a SQL Server.
//
//	go test -run XXX -bench CaptureStream -benchtime 20000x ./sqlserver
func BenchmarkCaptureStream(b *testing.B) {
	script := `CREATE DATABASE Bench
GO
USE Bench
GO
CREATE TABLE t (id int PRIMARY KEY, name varchar(40), amount decimal(12,2), at datetime2(6));
GO
EXEC sys.sp_cdc_enable_db
GO
EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N't', @role_name = NULL
GO
`
	dbs, err := tds.LoadScript(script)
	if err != nil {
		b.Fatal(err)
	}
	url := sluicetest.StartTDS(b, "Bench", dbs...)
	src := openSource(b, url)
	defer src.Close()
	spec := sluice.CaptureSpec{Name: "bench", Tables: []string{"t"}}
	snap := sluicetest.SnapshotOf(b, src, spec)
	pos := snap.Position()
	snap.Close()
	w := openWriter(b, url)
	for i := 0; i < b.N; i += 1000 {
		var rows []string
		for id := i + 1; id <= min(i+1000, b.N); id++ {
			rows = append(rows, fmt.Sprintf("(%d, 'name %d', %d.%02d, '2026-12-07 10:11:12.123456')", id, id, id/100, id%100))
		}
		if _, err := w.Exec("INSERT INTO t VALUES " + strings.Join(rows, ", ")); err != nil {
			b.Fatal(err)
		}
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
