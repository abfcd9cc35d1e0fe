package csvsrc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/sluicedb/sluice"
)

// Count returns the number of records of a table: every record the scanner
// finds, malformed ones included, exactly as Read yields them. A file is
// counted once per run: a read that reached its end already knows.
func (s *Source) Count(ctx context.Context, name, where string) (int64, error) {
	t, err := s.table(name)
	if err != nil {
		return 0, err
	}
	if where != "" {
		return 0, fmt.Errorf("count %s.%s: %w", s.name, name, ErrFilter)
	}
	if err := t.prepare(); err != nil {
		return 0, fmt.Errorf("count %s.%s: %w", s.name, name, err)
	}
	if err := t.unchanged(); err != nil {
		return 0, err
	}
	if n := t.knownTotal(); n >= 0 {
		return n, nil
	}
	n, err := t.countFrom(ctx, t.farthest())
	if err != nil {
		return 0, fmt.Errorf("count %s.%s: %w", s.name, name, err)
	}
	return n, nil
}

func (t *table) knownTotal() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

// farthest is the furthest record boundary a count can start from.
func (t *table) farthest() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	far := int64(0)
	for _, c := range t.parked {
		far = max(far, c.next-1)
	}
	if n := len(t.marks); n > 0 && t.layout.seekable() {
		far = max(far, t.marks[n-1].record)
	}
	return far
}

func (t *table) countFrom(ctx context.Context, after int64) (int64, error) {
	c, err := t.acquire(after)
	if err != nil {
		return 0, err
	}
	c.sc.discard = true
	for {
		if c.next%4096 == 0 && ctx.Err() != nil {
			c.close()
			return 0, ctx.Err()
		}
		if _, err := c.sc.next(); err != nil {
			c.close()
			if errors.Is(err, io.EOF) {
				t.setTotal(c.next - 1)
				return c.next - 1, nil
			}
			return 0, err
		}
		c.next++
	}
}

// Read streams the records req selects, in file order. Key must be nil (the
// whole file, Key() empty) or the table's row id, the record number, which
// After bounds; Where is not supported.
func (s *Source) Read(ctx context.Context, req sluice.ReadRequest) (sluice.RowIter, error) {
	t, err := s.table(req.Table)
	if err != nil {
		return nil, err
	}
	what := s.name + "." + req.Table
	if req.Where != "" {
		return nil, fmt.Errorf("read %s: %w", what, ErrFilter)
	}
	if err := t.prepare(); err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	after, err := t.readBounds(req)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	cols, err := t.columnIndexes(req.Columns)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	c, err := t.acquire(after)
	if err != nil {
		return nil, fmt.Errorf("read %s after record %d: %w", what, after, err)
	}
	return &rowIter{ctx: ctx, t: t, c: c, cols: cols, keyed: req.Key != nil, limit: req.Limit, what: what}, nil
}

// readBounds checks the key and returns the record number to read after.
func (t *table) readBounds(req sluice.ReadRequest) (int64, error) {
	if req.Key == nil {
		if req.After != nil {
			return 0, errors.New("After without a Key")
		}
		return 0, nil
	}
	if !slices.Equal(req.Key, []string{t.rowID()}) {
		return 0, fmt.Errorf("a CSV file is read in file order, by its record number %s, not by %q", t.rowID(), req.Key)
	}
	if req.After == nil {
		return 0, nil
	}
	if len(req.After) != 1 {
		return 0, fmt.Errorf("%d key values after, for a key of 1 column", len(req.After))
	}
	n, ok := recordNumber(req.After[0])
	if !ok || n < 0 {
		return 0, fmt.Errorf("after %v (%T): not a record number", req.After[0], req.After[0])
	}
	return n, nil
}

func recordNumber(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	case float64:
		return int64(x), x == math.Trunc(x) && math.Abs(x) < 1<<53
	}
	return 0, false
}

func (t *table) columnIndexes(names []string) ([]int, error) {
	idx := make([]int, len(names))
	for i, name := range names {
		if idx[i] = t.column(name); idx[i] < 0 {
			return nil, fmt.Errorf("no column %q in %s", name, t.rel)
		}
	}
	return idx, nil
}

// rowIter yields one row per record.
type rowIter struct {
	ctx       context.Context
	t         *table
	c         *cursor
	cols      []int
	keyed     bool
	limit, n  int
	what      string
	vals, key []any
	err       error
	closed    bool
}

func (it *rowIter) Next() bool {
	if it.err != nil || it.closed || (it.limit > 0 && it.n >= it.limit) || it.c.eof {
		return false
	}
	if it.n%1024 == 0 {
		if err := it.ctx.Err(); err != nil {
			it.err = err
			return false
		}
	}
	rec, err := it.c.sc.next()
	if errors.Is(err, io.EOF) {
		it.c.eof = true
		it.t.setTotal(it.c.next - 1)
		return false
	}
	if err != nil {
		it.err = fmt.Errorf("read %s record %d: %w", it.what, it.c.next, err)
		return false
	}
	no := it.c.next
	it.c.next++
	it.n++
	it.vals = it.t.values(rec, it.cols)
	it.key = nil
	if it.keyed {
		it.key = []any{no}
	}
	return true
}

func (it *rowIter) Values() []any { return it.vals }
func (it *rowIter) Key() []any    { return it.key }
func (it *rowIter) Err() error    { return it.err }

// Close gives the cursor back: parked for the next chunk when this one
// stopped at its limit.
func (it *rowIter) Close() error {
	if it.closed {
		return nil
	}
	it.closed = true
	it.t.release(it.c, it.err == nil)
	return nil
}

// values reads the requested columns of a record: a sluice.Invalid in
// every column of a malformed record, and in each field that does not fit
// its column's type.
func (t *table) values(rec *record, cols []int) []any {
	out := make([]any, len(cols))
	if why := t.malformed(rec); why != "" {
		bad := sluice.Invalid{Reason: t.where(rec) + ": " + why, Raw: bytes.Clone(rec.raw), Record: true}
		for i := range out {
			out[i] = bad
		}
		return out
	}
	for i, ci := range cols {
		out[i] = t.value(rec, ci)
	}
	return out
}

func (t *table) malformed(rec *record) string {
	if rec.bad != "" {
		return rec.bad
	}
	if n := len(rec.fields); n != len(t.cols) {
		return fmt.Sprintf("%d fields, where the table has %d columns", n, len(t.cols))
	}
	return ""
}

func (t *table) value(rec *record, i int) any {
	c, f := &t.cols[i], rec.fields[i]
	text, why := t.layout.enc.decode(f)
	if why != "" {
		return t.invalid(rec, c, f, why)
	}
	if t.d.isNull(text, rec.quoted[i]) {
		if c.notNull {
			return t.invalid(rec, c, f, "NULL in a column declared NOT NULL (or part of the primary key)")
		}
		return nil
	}
	v, why := c.read(text)
	if why != "" {
		return t.invalid(rec, c, f, why)
	}
	return v
}

func (t *table) invalid(rec *record, c *column, f []byte, why string) sluice.Invalid {
	return sluice.Invalid{Reason: fmt.Sprintf("%s, column %s: %s", t.where(rec), c.name, why), Raw: bytes.Clone(f)}
}
