package migrate

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/transform"
)

// A table without a key (no primary key, no unique index of NOT NULL
// columns, no row id: MySQL and SQL Server heaps) cannot be paged, so it is
// read in one streaming pass, cut into chunks by chunk_rows and chunk_bytes
// as the rows arrive: memory holds a few chunks, never the table. Nothing
// orders such rows, so a later read cannot continue after a committed chunk:
// a run interrupted mid-table loads it again from the start in a new
// generation (decide), and the counts reconcile as for any table.

// streams reports a table read in one pass cut into chunks. A part of a
// merged table keeps one chunk: its rows are merged into rows other parts
// wrote, which a restart could not empty.
func streams(t *plan.Table) bool {
	return t.Key == nil && t.Merged == nil
}

// streamChunks reads a table without a key in one pass and hands it on in
// chunks. A transient error before the first chunk left reads it again; once
// a chunk may have loaded, the table fails and its next run starts it over.
func (r *runner) streamChunks(ctx context.Context, j *job, row *transform.Row, out chan<- *chunk) error {
	t := j.table
	sent := 0
	var partial error // an error after a chunk left, which no retry may cure
	err := r.retry(ctx, t.ID, func() error {
		err := r.streamOnce(ctx, j, row, out, &sent)
		if err != nil && sent > 0 {
			partial = err
			return nil // stop retrying: the pass cannot start again in this generation
		}
		return err
	})
	if err == nil {
		err = partial
	}
	if err != nil {
		return fmt.Errorf("read %s in one pass (no key; %d chunks handed on): %w", t.ID, sent, err)
	}
	return nil
}

func (r *runner) streamOnce(ctx context.Context, j *job, row *transform.Row, out chan<- *chunk, sent *int) error {
	t := j.table
	it, err := r.open(ctx, t, nil, 0)
	if err != nil {
		return err
	}
	defer it.Close()
	c := r.newChunk(j, 1, nil)
	for it.Next() {
		c.take(t, row, it.Values(), it.Key())
		if !c.full(t) {
			continue
		}
		if err := r.handOn(ctx, out, c, sent); err != nil {
			return err
		}
		next := r.newChunk(j, c.no+1, nil)
		next.base = c.base + c.read
		c = next
	}
	if err := it.Err(); err != nil {
		return err
	}
	if c.read == 0 {
		return nil
	}
	return r.handOn(ctx, out, c, sent)
}

func (r *runner) handOn(ctx context.Context, out chan<- *chunk, c *chunk, sent *int) error {
	if err := send(ctx, out, c); err != nil {
		return err
	}
	*sent++
	return nil
}
