package verify

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// srcChunk is one chunk of the source, as read.
type srcChunk struct {
	no    int
	after []any // the exclusive lower key bound; nil for the first chunk
	last  []any // the key of the last row read
	final bool  // no rows follow: the target range of this chunk is open-ended
	base  int   // rows read before this chunk, for a keyless row's position
	vals  [][]any
	keys  [][]any
	// keySet, when set, are the keys the chunk was read by (Options.Keys):
	// its target rows are those of the same keys, not a key range.
	keySet []int64
}

// label names row i of the chunk as migrate names its reject.
func (c *srcChunk) label(i int) string { return rowLabel(c.keys[i], c.base+i+1) }

// read sends the table's chunks in key order, the last one marked final
// (it may be empty: the target may still hold rows after the last key).
func (s *scan) read(ctx context.Context, out chan<- *srcChunk) error {
	return s.eachChunk(ctx, func(c *srcChunk) error {
		select {
		case out <- c:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

// eachChunk reads the source's chunks in order, as migrate cuts them, and
// calls fn with each.
func (s *scan) eachChunk(ctx context.Context, fn func(*srcChunk) error) error {
	if keys, ok := s.keySet(); ok {
		s.byKeys, s.keyCount = true, len(keys)
		return s.eachKeyChunk(ctx, keys, fn)
	}
	cr := &chunkReader{s: s, pace: plan.NewPace(&plan.Table{ChunkRows: s.chunkRows, ChunkBytes: s.view.ChunkBytes})}
	defer cr.close()
	if err := cr.probe(ctx); err != nil {
		return fmt.Errorf("read %s: %w", s.view.ID, err)
	}
	var after []any
	for no := 1; ; no++ {
		c, err := cr.next(ctx, no, after)
		if err != nil {
			return fmt.Errorf("read %s chunk %d (keys after %s): %w", s.view.ID, no, keyLabel(after), err)
		}
		if err := fn(c); err != nil {
			return err
		}
		if c.final {
			return nil
		}
		after = c.last
	}
}

// chunkReader reads a table's chunks as migrate does: at most chunk_rows
// rows, and no more once their values pass chunk_bytes. A table without a
// key is one pass, cut into chunks the same way, so memory holds one chunk
// of it, never the whole table.
type chunkReader struct {
	s    *scan
	pace *plan.Pace
	pass sluice.RowIter // the open pass over a table without a key
	base int
}

// probeRows is how many rows probe reads to learn a keyed table's width.
const probeRows = 16

// probe sets the first keyed read's limit from the width of the first
// rows, so that a table of wide rows never asks for chunk_rows of them.
func (cr *chunkReader) probe(ctx context.Context) error {
	t := cr.s.view
	if t.Key == nil || !cr.pace.Probes(probeRows) {
		return nil
	}
	it, err := cr.s.v.src.Read(ctx, sluice.ReadRequest{Table: t.SourceTable, Columns: t.ReadColumns, Key: t.Key, Where: t.Where, Limit: probeRows})
	if err != nil {
		return err
	}
	defer it.Close()
	var n, size int64
	for it.Next() {
		n++
		size += sluice.RowSize(it.Values())
	}
	if n > 0 {
		cr.pace.Fit(size / n)
	}
	return it.Err()
}

func (cr *chunkReader) close() {
	if cr.pass != nil {
		cr.pass.Close()
	}
}

// next reads the chunk after the key after: the same columns, key, filter
// and chunk size as migrate.
func (cr *chunkReader) next(ctx context.Context, no int, after []any) (*srcChunk, error) {
	t := cr.s.view
	it, limit := cr.pass, cr.pace.Limit()
	if t.Key == nil && it == nil {
		req := sluice.ReadRequest{Table: t.SourceTable, Columns: t.ReadColumns, Where: t.Where}
		var err error
		if it, err = cr.s.v.src.Read(ctx, req); err != nil {
			return nil, err
		}
		cr.pass = it
	}
	if t.Key != nil {
		req := sluice.ReadRequest{Table: t.SourceTable, Columns: t.ReadColumns, Key: t.Key, After: after, Where: t.Where, Limit: limit}
		var err error
		if it, err = cr.s.v.src.Read(ctx, req); err != nil {
			return nil, err
		}
		defer it.Close()
	} else {
		limit = cr.s.chunkRows
	}
	c := &srcChunk{no: no, after: after, last: after, base: cr.base}
	var size int64
	more := true
	for len(c.vals) < limit && (t.ChunkBytes <= 0 || size < t.ChunkBytes) {
		if more = it.Next(); !more {
			break
		}
		c.vals = append(c.vals, it.Values())
		c.last = it.Key()
		c.keys = append(c.keys, c.last)
		size += sluice.RowSize(c.vals[len(c.vals)-1])
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	cr.pace.Observe(len(c.vals), size)
	cr.base += len(c.vals)
	// A keyed chunk cut short of its limit by the rows running out is the
	// last; one cut by bytes or by its limit may have rows after it.
	c.final = !more || t.Key != nil && len(c.vals) < limit && (t.ChunkBytes <= 0 || size < t.ChunkBytes)
	return c, nil
}

func keyLabel(key []any) string {
	if key == nil {
		return "the start"
	}
	return sluice.KeyText(key)
}

// rowLabel names a source row as migrate names its reject: its key text, or
// for a table read without a key its position.
func rowLabel(key []any, ordinal int) string {
	if len(key) == 0 {
		return fmt.Sprintf("#%d", ordinal)
	}
	return sluice.KeyText(key)
}
