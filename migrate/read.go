package migrate

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/retry"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/transform"
)

// Retry is the retry policy of a run (see package retry): how often a
// chunk read, a chunk load, a count, an index build or a verification is
// tried again after a transient error, and how long to wait between tries.
type Retry = retry.Policy

// DefaultRetry rides out about half a minute of outage.
var DefaultRetry = retry.Default

// readChunk reads and transforms one chunk. A transient error discards what
// was read and reads the whole chunk again: nothing of it was loaded yet.
func (r *runner) readChunk(ctx context.Context, j *job, row *transform.Row, after []any, no, limit int) (*chunk, error) {
	t := j.table
	var c *chunk
	err := r.retry(ctx, t.ID, func() (err error) {
		c, err = r.readOnce(ctx, j, row, after, no, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s chunk %d (keys after %s): %w", t.ID, no, keyLabel(after), err)
	}
	return c, nil
}

// retry runs fn, which reads from the source of table id, again after a
// transient error (a dropped connection, a restarted server), waiting longer
// each time; when the tries run out the error names the source.
func (r *runner) retry(ctx context.Context, id string, fn func() error) error {
	return retry.Do(ctx, r.opt.Retry, r.sourceWhere(id), r.notify(id), fn)
}

// retryTarget runs fn, which reads or writes the target for table id (or
// the run, with id ""), again after a transient error. fn must be safe to
// run again: a read, an idempotent statement, or a transaction that finds
// out first whether the try before it committed.
func (r *runner) retryTarget(ctx context.Context, id string, fn func() error) error {
	return retry.Do(ctx, r.opt.Retry, r.tgt.Where(), r.notify(id), fn)
}

func (r *runner) notify(id string) retry.Notify {
	return func(attempt int, wait time.Duration, err error) { r.opt.Observer.Retrying(id, attempt, wait, err) }
}

// sourceWhere names the source of table id, for an unreachable source.
func (r *runner) sourceWhere(id string) string {
	for _, t := range r.plan.Tables {
		if t.ID == id {
			return sluice.WhereOf(t.Source, r.srcs[t.Source])
		}
	}
	return "source of " + id
}

// readOnce reads one chunk: at most limit rows, and no more once their
// values pass the table's byte budget. A chunk cut by bytes closes the read
// early; it ends at the last row it took, which the next chunk starts after.
// A table without a key that does not stream (a part of a merged table) is
// one chunk, read whole.
func (r *runner) readOnce(ctx context.Context, j *job, row *transform.Row, after []any, no, limit int) (*chunk, error) {
	t := j.table
	it, err := r.open(ctx, t, after, limit)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	c := r.newChunk(j, no, after)
	whole := t.Key == nil
	if !whole {
		c.limit = limit
	}
	for (whole || !c.full(t)) && it.Next() {
		c.take(t, row, it.Values(), it.Key())
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	c.cut = !whole && c.overBudget(t)
	return c, nil
}

// open starts a read of the table's rows after the key after (limit 0: all).
func (r *runner) open(ctx context.Context, t *plan.Table, after []any, limit int) (sluice.RowIter, error) {
	src, ok := r.srcs[t.Source]
	if !ok {
		return nil, fmt.Errorf("source %q is not open", t.Source)
	}
	req := sluice.ReadRequest{Table: t.SourceTable, Columns: t.ReadColumns, Key: t.Key, After: after, Where: t.Where}
	if t.Key != nil {
		req.Limit = limit
	}
	return src.Read(ctx, req)
}

func (r *runner) newChunk(j *job, no int, after []any) *chunk {
	return &chunk{no: no, after: after, identify: j.merge != nil && j.merge.Match != nil, badKeys: j.keys}
}

// take adds one source row and counts its size against the byte budget.
func (c *chunk) take(t *plan.Table, row *transform.Row, vals, key []any) {
	c.bytes += sluice.RowSize(vals)
	c.add(t, row, vals, key)
}

// overBudget reports a chunk whose values reached the table's chunk_bytes.
func (c *chunk) overBudget(t *plan.Table) bool {
	return t.ChunkBytes > 0 && c.bytes >= t.ChunkBytes
}

// full reports a chunk that takes no more rows: its values reached the
// byte budget, or it holds its limit of rows (a keyed read's LIMIT, else
// chunk_rows).
func (c *chunk) full(t *plan.Table) bool {
	limit := c.limit
	if limit <= 0 {
		limit = t.ChunkRows
	}
	return c.overBudget(t) || (limit > 0 && c.read >= limit)
}

// add transforms one source row into the chunk (an expansion into zero or
// more rows), or into its rejects.
func (c *chunk) add(t *plan.Table, row *transform.Row, vals, key []any) {
	c.read++
	c.last = key
	if c.badKeys != nil {
		if rej := c.badKeys.reject(vals, key); rej != nil {
			c.reject(t, key, rej)
			return
		}
	}
	if row.Expands() {
		c.expand(t, row, vals, key)
		return
	}
	dst := make([]any, len(t.Columns))
	if rej := row.Apply(vals, dst); rej != nil {
		c.reject(t, key, rej)
		return
	}
	c.keep(dst, key)
	if c.identify {
		id, _ := row.Identity(vals)
		c.identities = append(c.identities, id)
	}
}

// expand adds the child rows of one source row; a source row that cannot
// expand is rejected whole, so its children are all there or none is.
func (c *chunk) expand(t *plan.Table, row *transform.Row, vals, key []any) {
	rows, rej := row.Expand(vals, nil)
	if rej != nil {
		c.reject(t, key, rej)
		return
	}
	for _, dst := range rows {
		c.keep(dst, key)
	}
}

func (c *chunk) keep(dst, key []any) {
	c.rows = append(c.rows, dst)
	c.keys = append(c.keys, key)
	c.ordinals = append(c.ordinals, c.base+c.read)
}

func (c *chunk) reject(t *plan.Table, key []any, rej *transform.Reject) {
	c.rejects = append(c.rejects, target.Reject{
		Key: rowLabel(key, c.base+c.read), Source: t.Source, SourceTable: t.SourceTable,
		Column: rej.Column, Raw: rej.Raw, Reason: rej.Reason,
	})
}

// keyOf labels row i of the loaded rows, for a reject made by the target.
func (c *chunk) keyOf(i int) string { return rowLabel(c.keys[i], c.ordinals[i]) }

// rowLabel names a rejected row: its legacy key, or for a table without a
// key its position in the table's single pass.
func rowLabel(key []any, ordinal int) string {
	if len(key) == 0 {
		return "#" + strconv.Itoa(ordinal)
	}
	return sluice.KeyText(key)
}
