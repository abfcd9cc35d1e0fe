package migrate

import (
	"context"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// probeRows is how many rows probe reads to learn a table's row width.
const probeRows = 16

// probe sets the first chunk's limit from the width of the first rows, so
// that a table of wide rows never asks for chunk_rows of them at once. The
// source's own estimate (plan.Table.RowBytes) is not trusted for this: it
// counts long values compressed (PostgreSQL's TOAST) or is stale. A probe
// that fails changes nothing: the read that follows meets the same error
// and retries it.
func (r *runner) probe(ctx context.Context, t *plan.Table, after []any, p *plan.Pace) {
	if !p.Probes(probeRows) {
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
		p.Fit(size / n)
	}
}
