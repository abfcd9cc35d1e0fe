package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

// table returns what reads need of a table, introspecting once if the
// source has not been introspected yet.
func (s *Source) table(ctx context.Context, name string) (*tableInfo, error) {
	s.mu.Lock()
	t, ok := s.tables[name]
	s.mu.Unlock()
	if ok {
		return t, nil
	}
	if _, err := s.Introspect(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok = s.tables[name]; !ok {
		return nil, fmt.Errorf("no table %s in database %s", name, s.database)
	}
	return t, nil
}

// Count returns the number of rows of table that match where, a T-SQL
// condition ("" counts every row).
func (s *Source) Count(ctx context.Context, table, where string) (int64, error) {
	t, err := s.table(ctx, table)
	if err != nil {
		return 0, fmt.Errorf("count %s.%s: %w", s.name, table, err)
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, countSQL(t, where)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s.%s: %w", s.name, table, classify(err))
	}
	return n, nil
}

// Read streams the rows req selects, by keyset pagination in the key's
// order as the server sorts it.
func (s *Source) Read(ctx context.Context, req sluice.ReadRequest) (sluice.RowIter, error) {
	label := chunkLabel("read", s.name, req)
	t, err := s.table(ctx, req.Table)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	query, args, err := selectSQL(t, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	cols, _ := t.columnList(append(append([]string{}, req.Columns...), req.Key...))
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, classify(err))
	}
	return &rowIter{rows: rows, cols: cols, n: len(req.Columns), label: label, dest: make([]any, len(cols))}, nil
}

// chunkLabel names the work on a chunk in errors.
func chunkLabel(verb, source string, req sluice.ReadRequest) string {
	if req.After == nil {
		return fmt.Sprintf("%s %s.%s from the start", verb, source, req.Table)
	}
	return fmt.Sprintf("%s %s.%s after key %s", verb, source, req.Table, sluice.KeyText(req.After))
}

// rowIter converts each row as it arrives into new slices the caller owns.
type rowIter struct {
	rows  *sql.Rows
	cols  []columnInfo
	n     int // how many of the selected columns are Values; the rest are Key
	dest  []any
	row   []any
	err   error
	label string
}

func (it *rowIter) Next() bool {
	if it.err != nil || !it.rows.Next() {
		if err := it.rows.Err(); err != nil && it.err == nil {
			it.err = fmt.Errorf("%s: %w", it.label, classify(err))
		}
		return false
	}
	raw := make([]any, len(it.cols))
	for i := range raw {
		it.dest[i] = &raw[i]
	}
	if err := it.rows.Scan(it.dest...); err != nil {
		it.err = fmt.Errorf("%s: %w", it.label, err)
		return false
	}
	for i, c := range it.cols {
		v, err := c.convert(raw[i])
		if err != nil {
			it.err = fmt.Errorf("%s: column %s: %w", it.label, c.name, err)
			return false
		}
		raw[i] = v
	}
	it.row = raw
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

// convert turns what the driver returned into the Go type source.go
// promises for the column's kind.
func (c columnInfo) convert(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.typeName {
	case "char", "varchar", "text":
		return decodeText(v.([]byte), c.charset), nil
	case "decimal", "numeric", "money", "smallmoney":
		return decimalText(v)
	case "uniqueidentifier":
		return guidValue(v)
	case "real":
		if f, ok := v.(float32); ok {
			return float64(f), nil
		}
	case "time":
		return clockText(v)
	case "datetime":
		return timeValue(v, time.Millisecond) // 1/300 s ticks, shown to the millisecond
	case "date", "smalldatetime", "datetime2", "datetimeoffset":
		return timeValue(v, 0)
	}
	return v, nil
}

func decimalText(v any) (any, error) {
	switch x := v.(type) {
	case []byte:
		return string(x), nil
	case string:
		return x, nil
	}
	return nil, fmt.Errorf("decimal value of Go type %T", v)
}

// guidValue turns the 16 bytes of a uniqueidentifier, in the order SQL
// Server sends them (the first three groups little-endian), into a UUID in
// the order of its text form.
func guidValue(v any) (any, error) {
	b, ok := v.([]byte)
	if !ok || len(b) != 16 {
		return nil, fmt.Errorf("uniqueidentifier value %T of %d bytes", v, len(b))
	}
	return [16]byte(uuid.UUID{b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6],
		b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]}), nil
}

func timeValue(v any, round time.Duration) (any, error) {
	t, ok := v.(time.Time)
	if !ok {
		return nil, fmt.Errorf("date or time value of Go type %T", v)
	}
	if round > 0 {
		t = t.Round(round)
	}
	return t.UTC(), nil
}

// clockText writes a time of day as "HH:MM:SS[.fffffff]", with as many
// fractional digits as it has.
func clockText(v any) (any, error) {
	t, ok := v.(time.Time)
	if !ok {
		return nil, fmt.Errorf("time value of Go type %T", v)
	}
	s := t.Format("15:04:05.9999999")
	return s, nil
}

// paramValue is how a key value is sent as a parameter: text for what the
// server must parse into the column's type (CAST in the predicate); an
// undecodable text key as its stored bytes, which CAST to the column's
// varchar type keeps as they are.
func paramValue(v any) any {
	switch x := v.(type) {
	case sluice.Undecodable:
		return x.Bytes
	case [16]byte:
		return uuid.UUID(x).String()
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.9999999")
	}
	return v
}
