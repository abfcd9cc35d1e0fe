package migrate

import (
	"context"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// pace sets how many rows a keyed chunk asks the source for. A read cut by
// chunk_bytes stops taking rows, but the source may still send the rest of
// its LIMIT (MySQL's protocol has the client read them to the end), so the
// limit follows the row width seen so far: about the rows that fill the byte
// budget, never more than chunk_rows.
type pace struct {
	rows  int
	bytes int64
	limit int // the next read's LIMIT
}

func newPace(t *plan.Table) *pace {
	return &pace{rows: t.ChunkRows, bytes: t.ChunkBytes, limit: t.ChunkRows}
}

// observe adjusts the limit to the average row size of the chunk just read.
func (p *pace) observe(c *chunk) {
	if c.read > 0 && c.bytes > 0 {
		p.fit(c.bytes / int64(c.read))
	}
}

// fit sets the limit for rows of about avg bytes: the rows that reach the
// budget (the row that passes it is taken), and an eighth more for rows
// narrower than the average, so that a chunk usually ends by bytes.
func (p *pace) fit(avg int64) {
	if p.bytes <= 0 || avg <= 0 {
		return
	}
	n := p.bytes/avg + 1
	n += n / 8
	p.limit = int(min(n, int64(p.rows)))
	p.limit = max(p.limit, 1)
}

// probeRows is how many rows probe reads to learn a table's row width.
const probeRows = 16

// probe sets the first chunk's limit from the width of the first rows, so
// that a table of wide rows never asks for chunk_rows of them at once. The
// source's own estimate (plan.Table.RowBytes) is not trusted for this: it
// counts long values compressed (PostgreSQL's TOAST) or is stale. A probe
// that fails changes nothing: the read that follows meets the same error
// and retries it.
func (r *runner) probe(ctx context.Context, t *plan.Table, after []any, p *pace) {
	if p.bytes <= 0 || p.rows <= probeRows {
		return
	}
	it, err := r.open(ctx, t, after, probeRows)
	if err != nil {
		return
	}
	defer it.Close()
	var n, size int64
	for it.Next() {
		n++
		size += sluice.RowSize(it.Values())
	}
	if it.Err() == nil && n > 0 {
		p.fit(size / n)
	}
}
