package csvsrc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

// BenchmarkRead reads a 20 MB file in chunks of 20,000 records, as a load
// does, with every value typed and checked.
func BenchmarkRead(b *testing.B) {
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("VisitId,MRN,Name,Notes,Amount,Born,Admitted\n")
	n := 0
	for sb.Len() < 20<<20 {
		n++
		notes := ""
		if n%50 == 0 {
			notes = "\"first line\nsecond line\""
		}
		fmt.Fprintf(&sb, "%d,%08d,\"Patient %d, \"\"Pat\"\"\",%s,%d.%02d,19%02d-%02d-%02d,2024-%02d-%02d %02d:%02d:%02d\n",
			n, n, n, notes, n%100000, n%100, 30+n%70, 1+n%12, 1+n%28, 1+n%12, 1+n%28, n%24, n%60, n%60)
	}
	if err := os.WriteFile(filepath.Join(dir, "v.csv"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	cols := []string{"VisitId", "MRN", "Name", "Notes", "Amount", "Born", "Admitted"}
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for range b.N {
		src, err := Open(context.Background(), "f", "csv://"+dir, Options{Tables: []TableSpec{{Name: "v",
			Types: map[string]string{"MRN": "text", "Amount": "numeric(10,2)"}}}})
		if err != nil {
			b.Fatal(err)
		}
		var after []any
		rows := 0
		for {
			it, err := src.Read(context.Background(), sluice.ReadRequest{Table: "v", Columns: cols, Key: []string{"_record"}, After: after, Limit: 20000})
			if err != nil {
				b.Fatal(err)
			}
			got := 0
			for it.Next() {
				got++
				after = it.Key()
			}
			if err := it.Err(); err != nil {
				b.Fatal(err)
			}
			it.Close()
			rows += got
			if got < 20000 {
				break
			}
		}
		if rows != n {
			b.Fatalf("read %d rows, want %d", rows, n)
		}
		src.Close()
	}
}
