package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// database is one legacy system of the estate.
type database struct {
	name   string // the source name in sluice.yaml, and the file name
	tables []table
}

// table is one table: its DDL and how to make its rows.
type table struct {
	name    string
	ddl     string   // CREATE TABLE and its indexes
	columns []string // the columns row fills, in order
	rows    int
	// row fills args with row i (0-based). Rows are made in order, so row
	// may keep state between calls; leaving args untouched repeats a row.
	row func(i int, args []any)
	// rawText names a column bound through CAST(? AS TEXT), so that a []byte
	// lands as TEXT with its bytes unchanged, valid UTF-8 or not.
	rawText string
	// excluded reports whether the `where` rule of sluice.yaml leaves the
	// row out; nil when the table has no such rule.
	excluded func(args []any) bool
}

// dbResult is what writing one database produced, keyed "<source>.<Table>".
type dbResult struct {
	rows, filtered map[string]int64
}

// writeDatabase replaces the file at path with the database d.
func writeDatabase(ctx context.Context, path string, d database) (res dbResult, err error) {
	db, err := createFile(ctx, path)
	if err != nil {
		return res, fmt.Errorf("create %s database: %w", d.name, err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s database: %w", d.name, cerr)
		}
	}()
	res = dbResult{rows: map[string]int64{}, filtered: map[string]int64{}}
	for _, t := range d.tables {
		if err := writeTable(ctx, db, d.name, t, res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// createFile opens a new, empty SQLite file. The estate is written once and
// thrown away if interrupted, so it needs no journal and no fsync.
func createFile(ctx context.Context, path string) (*sql.DB, error) {
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove old %s: %w", p, err)
		}
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	for _, pragma := range []string{"journal_mode = OFF", "synchronous = OFF", "cache_size = -131072"} {
		if _, err := db.ExecContext(ctx, "PRAGMA "+pragma); err != nil {
			db.Close()
			return nil, fmt.Errorf("set %s: %w", pragma, err)
		}
	}
	return db, nil
}

// writeTable creates t and fills it in one transaction with one prepared
// statement, the fastest way into SQLite.
func writeTable(ctx context.Context, db *sql.DB, source string, t table, res dbResult) error {
	name := source + "." + t.name
	if _, err := db.ExecContext(ctx, t.ddl); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin writing %s: %w", name, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	filtered, err := insertRows(ctx, tx, t)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", name, err)
	}
	res.rows[name] = int64(t.rows)
	if t.excluded != nil {
		res.filtered[name] = filtered
	}
	return nil
}

// batchRows is how many rows one INSERT carries: per-statement overhead in
// database/sql and the driver costs more than SQLite's own work.
const batchRows = 64

// insertRows inserts every row of t and counts those its `where` rule excludes.
func insertRows(ctx context.Context, tx *sql.Tx, t table) (filtered int64, err error) {
	full, err := tx.PrepareContext(ctx, t.insertSQL(batchRows))
	if err != nil {
		return 0, fmt.Errorf("prepare insert: %w", err)
	}
	defer full.Close()
	row := make([]any, len(t.columns))
	batch := make([]any, 0, batchRows*len(row))
	for i := range t.rows {
		t.row(i, row)
		if t.excluded != nil && t.excluded(row) {
			filtered++
		}
		batch = append(batch, row...)
		if len(batch) < cap(batch) {
			continue
		}
		if _, err := full.ExecContext(ctx, batch...); err != nil {
			return 0, fmt.Errorf("insert rows %d..%d: %w", i+2-batchRows, i+1, err)
		}
		batch = batch[:0]
	}
	return filtered, insertTail(ctx, tx, t, batch)
}

// insertTail inserts the rows left over after the last full batch.
func insertTail(ctx context.Context, tx *sql.Tx, t table, batch []any) error {
	n := len(batch) / len(t.columns)
	if n == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, t.insertSQL(n), batch...); err != nil {
		return fmt.Errorf("insert the last %d rows: %w", n, err)
	}
	return nil
}

// insertSQL is an INSERT of n rows.
func (t table) insertSQL(n int) string {
	marks := make([]string, len(t.columns))
	for i, c := range t.columns {
		marks[i] = "?"
		if c == t.rawText {
			marks[i] = "CAST(? AS TEXT)"
		}
	}
	tuple := "(" + strings.Join(marks, ", ") + ")"
	tuples := strings.Repeat(tuple+", ", n-1) + tuple
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES %s", t.name, strings.Join(t.columns, ", "), tuples)
}
