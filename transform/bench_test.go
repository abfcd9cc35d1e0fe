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

// BenchmarkApplyMerged transforms a row of a merged table: its natural-key
// UUID, legacy key, source, two values, two fills and the content hash.
func BenchmarkApplyMerged(b *testing.B) {
	pt := west()
	r := compile(b, pt)
	src, dst := []any{int64(7), "1001", "Ada Lovelace"}, make([]any, len(pt.Columns))
	b.ReportAllocs()
	for b.Loop() {
		if rej := r.Apply(src, dst); rej != nil {
			b.Fatal(rej.Reason)
		}
	}
}

// BenchmarkApplyComputed transforms the east part of the same table, whose
// full name is the expression First + " " + Last.
func BenchmarkApplyComputed(b *testing.B) {
	pt := east()
	r := compile(b, pt)
	src, dst := []any{int64(1), int64(1001), "Ada", "Lovelace", "555"}, make([]any, len(pt.Columns))
	b.ReportAllocs()
	for b.Loop() {
		if rej := r.Apply(src, dst); rej != nil {
			b.Fatal(rej.Reason)
		}
	}
}

// BenchmarkExpandList makes the 5 child rows of a list "a; b; c; d; e".
func BenchmarkExpandList(b *testing.B) {
	r := compile(b, tags())
	src := clinic(nil, "a; b; c; d; e", nil)
	out := make([][]any, 0, 5)
	b.ReportAllocs()
	for b.Loop() {
		var rej *Reject
		if out, rej = r.Expand(src, out[:0]); rej != nil {
			b.Fatal(rej.Reason)
		}
	}
}
