package mysql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sluicedb/sluice"
)

// Read streams the rows req selects, by keyset pagination.
func (s *Source) Read(ctx context.Context, req sluice.ReadRequest) (sluice.RowIter, error) {
	label := chunkLabel("read", s.name, req)
	names := append(append([]string{}, req.Columns...), req.Key...)
	types, err := s.readTypes(ctx, req.Table, names)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	sets, err := s.tableCharsets(ctx, req.Table)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	query, args, err := selectSQL(req, sets, newFloatColumns(names, types))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, classify(err))
	}
	return newRowIter(rows, names, types, sets, len(req.Columns), label), nil
}

// tableCharsets returns the table's text columns in a character set other
// than UTF-8, introspected once per Source.
func (s *Source) tableCharsets(ctx context.Context, table string) (charsets, error) {
	s.mu.Lock()
	cached, ok := s.sets[table]
	s.mu.Unlock()
	if ok {
		return cached, nil
	}
	found, err := s.queryCharsets(ctx, table)
	if err != nil {
		return nil, fmt.Errorf("list character sets: %w", classify(err))
	}
	sets := found[table] // nil when every text column is UTF-8
	for col, cs := range sets {
		if cs.Exact, err = s.exactSet(ctx, cs.Name); err != nil {
			return nil, classify(err)
		}
		sets[col] = cs
	}
	s.mu.Lock()
	s.sets[table] = sets
	s.mu.Unlock()
	return sets, nil
}

// chunkLabel names the work on a chunk in errors: "read legacy.people
// after key 20000".
func chunkLabel(verb, source string, req sluice.ReadRequest) string {
	if req.After == nil {
		return fmt.Sprintf("%s %s.%s from the start", verb, source, req.Table)
	}
	return fmt.Sprintf("%s %s.%s after key %s", verb, source, req.Table, sluice.KeyText(req.After))
}

// readTypes lists the types of the named columns of table.
func (s *Source) readTypes(ctx context.Context, table string, names []string) ([]sluice.Type, error) {
	byName, err := s.tableTypes(ctx, table)
	if err != nil {
		return nil, err
	}
	var types []sluice.Type
	for _, name := range names {
		t, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("table %s has no column %q", table, name)
		}
		types = append(types, t)
	}
	return types, nil
}

// tableTypes returns the column types of a table, introspected once per Source.
func (s *Source) tableTypes(ctx context.Context, table string) (map[string]sluice.Type, error) {
	s.mu.Lock()
	cached, ok := s.types[table]
	s.mu.Unlock()
	if ok {
		return cached, nil
	}
	cols, err := s.queryColumns(ctx, table)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", classify(err))
	}
	if len(cols[table]) == 0 {
		return nil, fmt.Errorf("no table %s in database %s", table, s.database)
	}
	byName := map[string]sluice.Type{}
	for _, c := range cols[table] {
		byName[c.Name] = c.Type
	}
	s.mu.Lock()
	s.types[table] = byName
	s.mu.Unlock()
	return byName, nil
}

// rowIter converts each row as it arrives; it allocates new slices per row
// because the caller owns what Values and Key return.
type rowIter struct {
	rows  *sql.Rows
	names []string
	types []sluice.Type
	sets  []string // per column: its character set when read as two (readExprs), else ""
	n     int      // how many of the selected columns are Values; the rest are Key
	raw   []sql.RawBytes
	dest  []any
	row   []any
	err   error
	label string
}

// newRowIter reads rows of the columns names; sets are the table's
// columns in a character set other than UTF-8, those not Exact selected as
// two (readExprs).
func newRowIter(rows *sql.Rows, names []string, types []sluice.Type, sets charsets, n int, label string) *rowIter {
	it := &rowIter{rows: rows, names: names, types: types, n: n, label: label, sets: make([]string, len(types))}
	width := len(types) // one scan buffer per selected expression
	for i, name := range names {
		if cs, ok := sets[name]; ok && !cs.Exact {
			it.sets[i] = cs.Name
			width++
		}
	}
	it.raw = make([]sql.RawBytes, width)
	it.dest = make([]any, width)
	for i := range it.raw {
		it.dest[i] = &it.raw[i]
	}
	return it
}

func (it *rowIter) Next() bool {
	if it.err != nil || !it.rows.Next() {
		if err := it.rows.Err(); err != nil && it.err == nil {
			it.err = fmt.Errorf("%s: %w", it.label, classify(err))
		}
		return false
	}
	if err := it.rows.Scan(it.dest...); err != nil {
		it.err = fmt.Errorf("%s: %w", it.label, classify(err))
		return false
	}
	row := make([]any, len(it.types))
	at := 0 // the column's first expression in raw
	for i := range row {
		v, err := convert(it.types[i], it.raw[at])
		if cs := it.sets[i]; cs != "" {
			at++
			v, err = inCharset(v, err, cs, it.raw[at])
		}
		if err != nil {
			it.err = fmt.Errorf("%s: column %s: %w", it.label, it.names[i], err)
			return false
		}
		row[i] = v
		at++
	}
	it.row = row
	return true
}

// Values and Key split the current row; both are nil before the first Next.
func (it *rowIter) Values() []any {
	if it.row == nil {
		return nil
	}
	return it.row[:it.n:it.n]
}

func (it *rowIter) Key() []any {
	if it.row == nil {
		return nil
	}
	return it.row[it.n:]
}

func (it *rowIter) Err() error   { return it.err }
func (it *rowIter) Close() error { return it.rows.Close() }
