package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// copier copies the rows of one chunk inside the chunk's transaction. Each
// COPY runs under a savepoint; when PostgreSQL refuses a row, the copier
// rolls back to the savepoint and narrows down to the rows at fault, which
// become rejects, and loads the rest. A chunk without bad rows is sent once.
type copier struct {
	tx      pgx.Tx
	c       *ChunkLoad
	loaded  int
	rejects []Reject

	// into, when set, is the table copied into instead of the chunk's:
	// columns are its columns, and extra appends the values that follow a
	// row's own (row i of the chunk) to buf.
	into    pgx.Identifier
	columns []string
	extra   func(i int, buf []any) []any

	attempts, sent int // COPY statements run and rows handed to them, for tests
}

// minWindow is the fewest rows the copier tries at once after a reject:
// small enough that dense bad rows cost little resending, large enough that
// sparse ones cost few round trips.
const minWindow = 64

// narrowing is work over a range of a chunk's rows that can fail because of
// one row: copying them, or merging them from the stage.
type narrowing interface {
	// attempt does rows [lo, hi) under a savepoint, and returns the row
	// failure after rolling back to it, or an error that is not a row's fault.
	attempt(ctx context.Context, lo, hi int) (*rowFailure, error)
	accept(lo, hi int)           // rows [lo, hi) were done
	reject(i int, f *rowFailure) // row i is refused
}

func (cp *copier) load(ctx context.Context, lo, hi int) error { return narrowDown(ctx, cp, lo, hi) }

// narrowDown does rows [lo, hi), first all at once. When an attempt fails
// because of a row, it narrows down: if the error names the row (COPY's
// "line N"), the rows before it are good and done again, the row is
// rejected, and the next window is sized from the distance to it; if not (a
// foreign key is checked after the last row), the window is halved until the
// bad row is alone. Windows double again after each success.
func narrowDown(ctx context.Context, n narrowing, lo, hi int) error {
	window := hi - lo
	for lo < hi {
		end := min(lo+window, hi)
		f, err := n.attempt(ctx, lo, end)
		switch {
		case err != nil:
			return err
		case f == nil:
			n.accept(lo, end)
			lo, window = end, 2*window
		case f.row >= 0:
			if err := narrowDown(ctx, n, lo, f.row); err != nil {
				return err
			}
			n.reject(f.row, f)
			lo, window = f.row+1, max(2*(f.row-lo), minWindow)
		case end-lo == 1:
			n.reject(lo, f)
			lo, window = end, minWindow
		default:
			window = (end - lo) / 2
		}
	}
	return nil
}

func (cp *copier) accept(lo, hi int) { cp.loaded += hi - lo }

// attempt copies rows [lo, hi) under a savepoint. It returns the row failure
// after rolling back to the savepoint, or the error when it is not the fault
// of a row (the whole transaction is then lost).
func (cp *copier) attempt(ctx context.Context, lo, hi int) (*rowFailure, error) {
	sp, err := cp.tx.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("set savepoint: %w", err)
	}
	src := &rowSource{rows: cp.c.Rows[lo:hi], cur: -1, base: lo, extra: cp.extra}
	cp.attempts, cp.sent = cp.attempts+1, cp.sent+hi-lo
	into, columns := pgx.Identifier{cp.c.Schema, cp.c.Table}, cp.c.Columns
	if cp.into != nil {
		into, columns = cp.into, cp.columns
	}
	_, err = sp.CopyFrom(ctx, into, columns, src)
	if err == nil {
		if err := sp.Commit(ctx); err != nil {
			return nil, fmt.Errorf("release savepoint: %w", err)
		}
		return nil, nil
	}
	f := classifyCopyError(ctx, err, lo, hi, src.cur)
	if f == nil {
		return nil, fmt.Errorf("copy rows %d..%d: %w", lo+1, hi, err)
	}
	if err := sp.Rollback(ctx); err != nil {
		return nil, fmt.Errorf("roll back to savepoint: %w", err)
	}
	return f, nil
}

func (cp *copier) reject(i int, f *rowFailure) { cp.rejects = append(cp.rejects, rejectOf(cp.c, i, f)) }

// rejectOf is row i of chunk c refused for f.
func rejectOf(c *ChunkLoad, i int, f *rowFailure) Reject {
	r := Reject{Column: f.column, Reason: f.reason, Raw: rawValue(c, i, f.column)}
	if c.KeyOf != nil {
		r.Key = c.KeyOf(i)
	}
	return r
}

// rawValue is the value of column in row i, or the whole row rendered as
// text when the column is not known.
func rawValue(c *ChunkLoad, i int, column string) any {
	for j, name := range c.Columns {
		if name == column {
			return c.Rows[i][j]
		}
	}
	return renderRow(c.Rows[i])
}

// rowSource feeds COPY from a slice of rows and remembers the row it handed
// out last: when pgx cannot encode a value it aborts the COPY on that row.
type rowSource struct {
	rows  [][]any
	cur   int
	base  int                          // index in the chunk of rows[0]
	extra func(i int, buf []any) []any // appends values after a row's own; nil for none
	buf   []any                        // reused: pgx encodes a row before asking for the next
}

func (s *rowSource) Next() bool { s.cur++; return s.cur < len(s.rows) }
func (s *rowSource) Err() error { return nil }

func (s *rowSource) Values() ([]any, error) {
	if s.extra == nil {
		return s.rows[s.cur], nil
	}
	s.buf = s.extra(s.base+s.cur, append(s.buf[:0], s.rows[s.cur]...))
	return s.buf, nil
}
