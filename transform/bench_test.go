package transform

import (
	"testing"
	"time"
)

// BenchmarkApply transforms a 9-column row: the row's UUID, its legacy key,
// three foreign-key UUIDs (int, string and composite keys), text with a
// default, numeric(10,2) from decimal text, a timestamp and a boolean flag.
func BenchmarkApply(b *testing.B) {
	pt := shipments()
	r := compile(b, pt)
	src := []any{int64(123456), int64(42), "DE", int64(7), int64(2), "handle with care", "1234.50",
		time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC), int64(1)}
	dst := make([]any, len(pt.Columns))
	b.ReportAllocs()
	for b.Loop() {
		if rej := r.Apply(src, dst); rej != nil {
			b.Fatal(rej.Reason)
		}
	}
}

// BenchmarkApplyValues is the same width without key columns: what the casts
// alone cost.
func BenchmarkApplyValues(b *testing.B) {
	pt := shipments()
	pt.Columns = pt.Columns[5:]
	r := compile(b, pt)
	src := []any{int64(123456), int64(42), "DE", int64(7), int64(2), "handle with care", "1234.50",
		time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC), int64(1)}
	dst := make([]any, len(pt.Columns))
	b.ReportAllocs()
	for b.Loop() {
		if rej := r.Apply(src, dst); rej != nil {
			b.Fatal(rej.Reason)
		}
	}
}
