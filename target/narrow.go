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

	attempts, sent int // COPY statements run and rows handed to them, for tests
}

// minWindow is the fewest rows the copier tries at once after a reject:
// small enough that dense bad rows cost little resending, large enough that
// sparse ones cost few round trips.
const minWindow = 64

// load copies rows [lo, hi), first all at once. When a COPY fails because of
// a row, the copier narrows it down: if the error names the row (COPY's
// "line N"), the rows before it are good and copied again, the row is
// rejected, and the next window is sized from the distance to it; if not (a
// foreign key is checked after the last row), the window is halved until the
// bad row is alone. Windows double again after each success.
func (cp *copier) load(ctx context.Context, lo, hi int) error {
	window := hi - lo
	for lo < hi {
		end := min(lo+window, hi)
		f, err := cp.attempt(ctx, lo, end)
		switch {
		case err != nil:
			return err
		case f == nil:
			cp.loaded += end - lo
			lo, window = end, 2*window
		case f.row >= 0:
			if err := cp.load(ctx, lo, f.row); err != nil {
				return err
			}
			cp.reject(f.row, f)
			lo, window = f.row+1, max(2*(f.row-lo), minWindow)
		case end-lo == 1:
			cp.reject(lo, f)
			lo, window = end, minWindow
		default:
			window = (end - lo) / 2
		}
	}
	return nil
}

// attempt copies rows [lo, hi) under a savepoint. It returns the row failure
// after rolling back to the savepoint, or the error when it is not the fault
// of a row (the whole transaction is then lost).
func (cp *copier) attempt(ctx context.Context, lo, hi int) (*rowFailure, error) {
	sp, err := cp.tx.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("set savepoint: %w", err)
	}
	src := &rowSource{rows: cp.c.Rows[lo:hi], cur: -1}
	cp.attempts, cp.sent = cp.attempts+1, cp.sent+hi-lo
	_, err = sp.CopyFrom(ctx, pgx.Identifier{cp.c.Schema, cp.c.Table}, cp.c.Columns, src)
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

func (cp *copier) reject(i int, f *rowFailure) {
	r := Reject{Column: f.column, Reason: f.reason, Raw: cp.rawValue(i, f.column)}
	if cp.c.KeyOf != nil {
		r.Key = cp.c.KeyOf(i)
	}
	cp.rejects = append(cp.rejects, r)
}

// rawValue is the value of column in row i, or the whole row rendered as
// text when the column is not known.
func (cp *copier) rawValue(i int, column string) any {
	for j, name := range cp.c.Columns {
		if name == column {
			return cp.c.Rows[i][j]
		}
	}
	return renderRow(cp.c.Rows[i])
}

// rowSource feeds COPY from a slice of rows and remembers the row it handed
// out last: when pgx cannot encode a value it aborts the COPY on that row.
type rowSource struct {
	rows [][]any
	cur  int
}

func (s *rowSource) Next() bool             { s.cur++; return s.cur < len(s.rows) }
func (s *rowSource) Values() ([]any, error) { return s.rows[s.cur], nil }
func (s *rowSource) Err() error             { return nil }
