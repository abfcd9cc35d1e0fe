package verify

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
)

// srcChunk is one keyset page of the source, as read.
type srcChunk struct {
	no    int
	after []any // the exclusive lower key bound; nil for the first chunk
	last  []any // the key of the last row read
	final bool  // no rows follow: the target range of this chunk is open-ended
	vals  [][]any
	keys  [][]any
}

// read sends the table's chunks in key order, the last one marked final
// (it may be empty: the target may still hold rows after the last key).
func (s *scan) read(ctx context.Context, out chan<- *srcChunk) error {
	var after []any
	for no := 1; ; no++ {
		c, err := s.readChunk(ctx, no, after)
		if err != nil {
			return err
		}
		select {
		case out <- c:
		case <-ctx.Done():
			return ctx.Err()
		}
		if c.final {
			return nil
		}
		after = c.last
	}
}

// readChunk reads the rows after the key after, as migrate reads them: the
// same columns, key, filter and chunk size. A table without a key is one
// chunk.
func (s *scan) readChunk(ctx context.Context, no int, after []any) (*srcChunk, error) {
	t := s.view
	req := sluice.ReadRequest{Table: t.SourceTable, Columns: t.ReadColumns, Key: t.Key, After: after, Where: t.Where}
	if t.Key != nil {
		req.Limit = s.chunkRows
	}
	it, err := s.v.src.Read(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("read %s chunk %d (keys after %s): %w", t.ID, no, keyLabel(after), err)
	}
	defer it.Close()
	c := &srcChunk{no: no, after: after, last: after}
	for it.Next() {
		c.vals = append(c.vals, it.Values())
		c.last = it.Key()
		c.keys = append(c.keys, c.last)
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("read %s chunk %d (keys after %s): %w", t.ID, no, keyLabel(after), err)
	}
	c.final = t.Key == nil || len(c.vals) < s.chunkRows
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
