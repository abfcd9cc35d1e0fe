package plan

import (
	"fmt"

	"github.com/sluicedb/sluice/config"
)

// ChunkRowsFor estimates how many rows a chunk of t holds: chunk_rows, or
// fewer when the source's average row size fills chunk_bytes first (the row
// that passes the budget is taken, so a chunk always holds one).
func ChunkRowsFor(t *Table) int64 {
	rows := int64(t.ChunkRows)
	if t.RowBytes > 0 && t.ChunkBytes > 0 {
		rows = min(rows, t.ChunkBytes/t.RowBytes+1)
	}
	return max(rows, 1)
}

// ChunkMemory estimates the bytes one chunk of t holds while it is read and
// loaded, from the source's average row size; 0 when the source gave none.
func ChunkMemory(t *Table) int64 {
	if t.RowBytes <= 0 {
		return 0
	}
	return ChunkRowsFor(t) * t.RowBytes
}

// warnMemory tells when the byte budget rather than chunk_rows will end the
// table's chunks, and when a single row may pass the budget on its own (a
// chunk always takes one row, however large).
func (b *builder) warnMemory(st *tableState) {
	t := st.t
	if t.RowBytes <= 0 || t.ChunkBytes <= 0 {
		return
	}
	budget := config.FormatBytes(t.ChunkBytes)
	switch {
	case t.RowBytes >= t.ChunkBytes:
		b.warn(t.ID, fmt.Sprintf("rows average %s, at least chunk_bytes (%s): each chunk holds one row, and memory holds each row whole", sizeText(t.RowBytes), budget))
	case t.RowBytes*int64(t.ChunkRows) > t.ChunkBytes:
		b.warn(t.ID, fmt.Sprintf("rows average %s: chunks end at chunk_bytes (%s) after about %s rows, before chunk_rows (%s)",
			sizeText(t.RowBytes), budget, thousands(ChunkRowsFor(t)), thousands(int64(t.ChunkRows))))
	}
}

// sizeText writes a size for a reader: "812 B", "3.4 KiB", "1.0 MiB".
func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}
