package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Count returns the number of rows of table that match where ("" for all).
func (s *Source) Count(ctx context.Context, table, where string) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, CountSQL(table, where)).Scan(&n); err != nil {
		return 0, classify(fmt.Errorf("count %s.%s: %w", s.name, table, err))
	}
	return n, nil
}

// Read streams the rows req selects, in key order.
func (s *Source) Read(ctx context.Context, req sluice.ReadRequest) (sluice.RowIter, error) {
	if len(req.After) > 0 && len(req.After) != len(req.Key) {
		return nil, fmt.Errorf("read %s.%s: %d key values after, for a key of %d columns", s.name, req.Table, len(req.After), len(req.Key))
	}
	decs, err := s.decoders(ctx, req)
	if err != nil {
		return nil, err
	}
	label := req.After
	if req.After, err = encodeBounds(req.After, decs[len(req.Columns):]); err != nil {
		return nil, fmt.Errorf("read %s.%s after %v: %w", s.name, req.Table, label, err)
	}
	q, args := ReadSQL(req)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(fmt.Errorf("read %s.%s after %v: %w", s.name, req.Table, label, err))
	}
	it := &rowIter{rows: rows, ncols: len(req.Columns), nkey: len(req.Key), what: s.name + "." + req.Table, decs: decs}
	return it, nil
}

type rowIter struct {
	rows        *sql.Rows
	ncols, nkey int
	what        string
	decs        []*charset.Encoding // per selected column: the encoding its TEXT values convert from, or nil
	vals, key   []any
	err         error
}

func (it *rowIter) Next() bool {
	if it.err != nil || !it.rows.Next() {
		return false
	}
	all := make([]any, it.ncols+it.nkey)
	ptrs := make([]any, len(all))
	for i := range all {
		ptrs[i] = &all[i]
	}
	if err := it.rows.Scan(ptrs...); err != nil {
		it.err = classify(fmt.Errorf("scan a row of %s: %w", it.what, err))
		return false
	}
	emptyBlobs(all)
	for i, enc := range it.decs {
		all[i] = decode(enc, all[i])
	}
	it.vals, it.key = all[:it.ncols:it.ncols], all[it.ncols:]
	return true
}

// emptyBlobs turns the driver's nil slice for a zero-length BLOB into an
// empty one, so that a []byte(nil) can never be mistaken for NULL.
func emptyBlobs(vals []any) {
	for i, v := range vals {
		if b, ok := v.([]byte); ok && b == nil {
			vals[i] = []byte{}
		}
	}
}

func (it *rowIter) Values() []any { return it.vals }
func (it *rowIter) Key() []any    { return it.key }

func (it *rowIter) Err() error {
	if it.err != nil {
		return it.err
	}
	if err := it.rows.Err(); err != nil {
		return classify(fmt.Errorf("read %s: %w", it.what, err))
	}
	return nil
}

func (it *rowIter) Close() error { return it.rows.Close() }

// classify marks the errors a retry may cure, a writer holding a lock
// (SQLITE_BUSY, SQLITE_LOCKED and their extended codes), as transient.
func classify(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &sluice.TransientError{Err: err}
		}
	}
	return err
}
