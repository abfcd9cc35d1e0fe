package plan

import "testing"

func TestPace(t *testing.T) {
	tbl := &Table{ChunkRows: 20_000, ChunkBytes: 16 << 20}
	p := NewPace(tbl)
	if p.Limit() != 20_000 {
		t.Fatalf("first limit %d, want chunk_rows", p.Limit())
	}
	for _, c := range []struct {
		avg  int64
		want int
	}{
		{100, 20_000},     // narrow rows: chunk_rows ends the chunk
		{1 << 20, 19},     // 1 MiB rows: 16 fill the budget, the 17th passes it, an eighth more
		{64 << 20, 1},     // a row larger than the budget: one a chunk
		{16 << 10, 1_153}, // 16 KiB rows: 1,025 and an eighth (128)
		{1 << 10, 18_433}, // 1 KiB rows: 16,385 and an eighth (2,048)
		{900, 20_000},     // 18,641 and an eighth passes chunk_rows
	} {
		p.Fit(c.avg)
		if p.Limit() != c.want {
			t.Errorf("rows of %d bytes: limit %d, want %d", c.avg, p.Limit(), c.want)
		}
	}
	p.Observe(10, 10<<20)
	if p.Limit() != 19 {
		t.Errorf("after a chunk of 10 rows of 1 MiB: limit %d, want 19", p.Limit())
	}
	if NewPace(&Table{ChunkRows: 100}).Probes(16) {
		t.Error("a table without a byte budget probes")
	}
}
