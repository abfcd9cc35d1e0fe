package migrate

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/transform"
)

// chunk is one keyset page, read and transformed, waiting to be loaded.
type chunk struct {
	no       int
	after    []any
	last     []any
	read     int
	base     int   // rows of the table read before this chunk, for a keyless table's ordinals
	bytes    int64 // the size of the values read (sluice.RowSize), against chunk_bytes
	limit    int   // the most rows the read asked for
	cut      bool  // the chunk ended at the byte budget, before its limit
	rows     [][]any
	keys     [][]any // each loaded row's key, for a reject the target makes
	ordinals []int   // each loaded row's position in the chunk (in the table, for a keyless one)
	rejects  []target.Reject
	// identities are each loaded row's legacy identity, for a part of a
	// table merged on a natural key (see target.ChunkLoad.Identities).
	identities []uuid.UUID
	identify   bool      // compute identities
	badKeys    *keyCheck // bad_keys: reject: rows whose key cannot be the primary key
	sum        string    // the source's digest of the chunk's rows, "" when it has none
	skipped    int       // rows not read: the digest equals the one they were loaded with
}

// loadTable copies one table (resuming after its last committed chunk),
// reconciles its counts and builds its keys and indexes.
func (r *runner) loadTable(ctx context.Context, j *job) (TableResult, error) {
	t := j.table
	res := TableResult{ID: t.ID, Target: t.Name, Skipped: j.skip}
	if j.skip {
		if err := r.retryIndexes(ctx, j); err != nil {
			return res, err
		}
		return r.result(ctx, j, res)
	}
	if err := r.checkKeys(ctx, j); err != nil {
		return res, err
	}
	res.Keyless = j.keyless
	if j.state == target.StatePending || j.state == target.StateLoading {
		if err := r.copyTable(ctx, j); err != nil {
			return res, err
		}
		if _, err := r.deleteMissing(ctx, j); err != nil {
			return res, err
		}
		if err := r.tgt.SetTableState(ctx, t.ID, j.generation, target.StateLoaded, ""); err != nil {
			return res, fmt.Errorf("mark %s loaded: %w", t.ID, err)
		}
	}
	r.opt.stepper().TableStep(t.ID, StepReconciling, 0, 0)
	res, err := r.reconcile(ctx, j, res)
	if err != nil {
		// Only counts that do not reconcile fail the table (its next run
		// reloads it); an interruption or a lost connection while counting
		// leaves it loaded, and the next run only reconciles again.
		var val *sluice.ValidationError
		if errors.As(err, &val) {
			_ = r.tgt.SetTableState(context.WithoutCancel(ctx), t.ID, j.generation, target.StateFailed, err.Error())
		}
		return res, err
	}
	if j.state != target.StateIndexed {
		r.opt.stepper().TableStep(t.ID, StepIndexing, 0, 0)
		if err := r.index(ctx, j); err != nil {
			return res, fmt.Errorf("build keys and indexes of %s: %w", t.Name, err)
		}
	}
	if err := r.advanceIdentities(ctx, j); err != nil {
		return res, err
	}
	if err := r.auditTableDone(ctx, j, res); err != nil {
		return res, err
	}
	return res, r.verifyTable(ctx, j)
}

// index builds the table's indexes, each on its own connection and at the
// same time (an index build is mostly one CPU sorting), then turns them into
// the primary key and unique constraints in one transaction that also marks
// the table indexed.
func (r *runner) index(ctx context.Context, j *job) error {
	t, schema := j.table, r.plan.Schema
	if j.merge != nil && j.merge.Mode != target.MergeInsert {
		// A merge writes through keys that exist already.
		return r.tgt.Index(ctx, t.ID, j.generation, nil)
	}
	if j.keyless != "" {
		t = withoutKey(t)
	}
	if err := r.buildIndexes(ctx, j, plan.IndexBuilds(schema, t)); err != nil {
		return err
	}
	return r.tgt.Index(ctx, t.ID, j.generation, plan.AttachConstraints(schema, t))
}

// copyTable streams the table chunk by chunk: one goroutine reads and
// transforms the next chunk while the other loads the current one, so the
// source and the target work at the same time, and memory holds at most
// four chunks per table (one read, two queued, one loading).
func (r *runner) copyTable(ctx context.Context, j *job) error {
	t := j.table
	row, err := transform.Compile(t, r.plan.Namespace)
	if err != nil {
		return fmt.Errorf("compile the mapping of %s: %w", t.ID, err)
	}
	next, done, err := r.resumePoint(ctx, j)
	if err != nil || done {
		return err
	}
	r.opt.Observer.TableStarted(t.ID, t.Name, t.Rows, next.loadedBefore)
	chunks := make(chan *chunk, 2)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(chunks)
		return r.readChunks(gctx, j, row, next, chunks)
	})
	g.Go(func() error { return r.loadChunks(gctx, j, chunks) })
	return g.Wait()
}

// position is where a table's load continues.
type position struct {
	chunkNo      int
	after        []any
	loadedBefore int64
}

// resumePoint reads the ledger: the load continues after the last committed
// chunk's last key. done is true when that chunk was the table's last.
func (r *runner) resumePoint(ctx context.Context, j *job) (p position, done bool, err error) {
	err = r.retryTarget(ctx, j.table.ID, func() (err error) {
		p, done, err = r.resumeOnce(ctx, j)
		return err
	})
	return p, done, err
}

func (r *runner) resumeOnce(ctx context.Context, j *job) (position, bool, error) {
	t := j.table
	last, err := r.tgt.LastChunk(ctx, t.ID, j.generation)
	if err != nil || last == nil {
		return position{chunkNo: 1}, false, err
	}
	after, err := target.DecodeKey(last.LastKey)
	if err != nil {
		return position{}, false, fmt.Errorf("resume %s after chunk %d: %w", t.ID, last.ChunkNo, err)
	}
	tot, err := r.tgt.Totals(ctx, t.ID, j.generation)
	if err != nil {
		return position{}, false, fmt.Errorf("resume %s: %w", t.ID, err)
	}
	p := position{chunkNo: last.ChunkNo + 1, after: after, loadedBefore: tot.Loaded + tot.Rejected}
	if t.Key == nil && !streams(t) {
		// A table read without a key in one chunk: if it committed, it is all there.
		return p, true, nil
	}
	if t.Key == nil {
		// decide restarts such a table in a new generation; never continue one.
		return p, false, fmt.Errorf("resume %s after chunk %d: a table read without a key cannot continue mid-way; it loads again in a new generation", t.ID, last.ChunkNo)
	}
	return p, false, nil
}

func (r *runner) readChunks(ctx context.Context, j *job, row *transform.Row, p position, out chan<- *chunk) error {
	t := j.table
	if streams(t) {
		return r.streamChunks(ctx, j, row, out)
	}
	after, no := p.after, p.chunkNo
	sk, err := r.newSkipper(ctx, j, p.chunkNo)
	if err != nil {
		return err
	}
	pc := plan.NewPace(t)
	r.probe(ctx, t, after, pc)
	for {
		limit := pc.Limit()
		c, err := sk.next(ctx, after, no, limit, func() (*chunk, error) { return r.readChunk(ctx, j, row, after, no, limit) })
		if err != nil {
			return err
		}
		if c.read == 0 {
			return nil
		}
		pc.Observe(c.read, c.bytes)
		if err := send(ctx, out, c); err != nil {
			return err
		}
		if t.Key == nil || c.read < c.limit && !c.cut && c.skipped == 0 {
			return nil
		}
		if err := advanced(t, after, c.last); err != nil {
			return err
		}
		after, no = c.last, no+1
	}
}

// send hands a chunk to the loader.
func send(ctx context.Context, out chan<- *chunk, c *chunk) error {
	select {
	case out <- c:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *runner) loadChunks(ctx context.Context, j *job, in <-chan *chunk) error {
	t := j.table
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = c.Name
	}
	for c := range in {
		res, err := r.tgt.LoadChunk(ctx, target.ChunkLoad{
			RunID: r.runID, TableID: t.ID, Generation: j.generation, ChunkNo: c.no,
			Schema: r.plan.Schema, Table: t.Name, Columns: cols,
			Rows: c.rows, KeyOf: c.keyOf, Rejects: c.rejects,
			AfterKey: c.after, LastKey: c.last, RowsRead: c.read,
			Merge: j.merge, Identities: c.identities, SourceSum: c.sum, Skipped: c.skipped,
		})
		if err != nil {
			return fmt.Errorf("load %s chunk %d (keys after %s): %w", t.ID, c.no, keyLabel(c.after), err)
		}
		r.opt.Observer.ChunkLoaded(t.ID, c.read, res.Loaded, res.Rejected)
	}
	return nil
}

// advanced guards against a keyset that does not move forward (a key the
// source compares differently from how it sorts it): without it such a
// table would load the same rows again and again.
func advanced(t *plan.Table, after, last []any) error {
	if after == nil {
		return nil
	}
	a, errA := target.EncodeKey(after)
	l, errL := target.EncodeKey(last)
	if errA == nil && errL == nil && a == l {
		return fmt.Errorf("read %s: the key did not advance past %s; the source orders this key differently from how it compares it", t.ID, keyLabel(after))
	}
	return nil
}

func keyLabel(key []any) string {
	if key == nil {
		return "the start"
	}
	return sluice.KeyText(key)
}
