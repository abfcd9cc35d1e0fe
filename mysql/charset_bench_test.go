package mysql_test

import (
	"fmt"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// BenchmarkReadCharset reads 200,000 rows of two 40-character text columns
// in chunks of 20,000, stored in utf8mb4 (read as they are) and in latin1
// and gbk (converted by the server and checked by converting back):
//
//	go test ./mysql -run XXX -bench ReadCharset -benchtime 5x
func BenchmarkReadCharset(b *testing.B) {
	const rows = 200_000
	for _, cs := range []string{"utf8mb4", "latin1", "gbk"} {
		b.Run(cs, func(b *testing.B) {
			url := sluicetest.NewMySQLDB(b)
			sluicetest.ExecMySQL(b, url, fmt.Sprintf(`CREATE TABLE t (id int PRIMARY KEY, a varchar(40), c varchar(40)) CHARACTER SET %s;
INSERT INTO t SELECT seq, REPEAT('abcdé', 8), CONCAT('row ', seq, REPEAT(' text', 6)) FROM seq_1_to_%d;`, cs, rows))
			src := openSource(b, url)
			defer src.Close()
			b.ResetTimer()
			for range b.N {
				if n := readChunks(b, src); n != rows {
					b.Fatalf("read %d rows, want %d", n, rows)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func readChunks(b *testing.B, src sluice.Source) int {
	var after []any
	total := 0
	for {
		it, err := src.Read(b.Context(), sluice.ReadRequest{Table: "t", Columns: []string{"id", "a", "c"}, Key: []string{"id"}, After: after, Limit: 20_000})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for ; it.Next(); n++ {
			after = it.Key()
		}
		if err := it.Err(); err != nil {
			b.Fatal(err)
		}
		it.Close()
		total += n
		if n < 20_000 {
			return total
		}
	}
}
