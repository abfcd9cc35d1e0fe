package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

type indexEntry struct {
	name    string
	unique  bool
	origin  string // "c" CREATE INDEX, "u" UNIQUE constraint, "pk" PRIMARY KEY
	partial bool
}

// indexes reads pragma index_list and index_info. The primary key's own index
// is left out (it is the primary key). A partial index and an index on an
// expression are reported with their text from the CREATE INDEX statement
// (Where, Expression). pkIndexed reports whether the primary key has an
// index of its own (it has none when it is the row id).
func (s *Source) indexes(ctx context.Context, table string) (idx []sluice.Index, pkIndexed bool, err error) {
	entries, err := s.indexList(ctx, table)
	if err != nil {
		return nil, false, err
	}
	for _, e := range entries {
		if e.origin == "pk" {
			pkIndexed = true
			continue
		}
		cols, err := s.indexColumns(ctx, e.name)
		if err != nil {
			return nil, false, err
		}
		ix := sluice.Index{Name: indexName(table, e, cols), Columns: cols, Unique: e.unique}
		if cols == nil || e.partial {
			if ix, err = s.indexText(ctx, ix, cols == nil, e.partial); err != nil {
				return nil, false, err
			}
		}
		idx = append(idx, ix)
	}
	return idx, pkIndexed, nil
}

func (s *Source) indexList(ctx context.Context, table string) ([]indexEntry, error) {
	const q = `SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name`
	rows, err := s.db.QueryContext(ctx, q, table)
	if err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	defer rows.Close()
	var out []indexEntry
	for rows.Next() {
		var e indexEntry
		if err := rows.Scan(&e.name, &e.unique, &e.origin, &e.partial); err != nil {
			return nil, fmt.Errorf("list indexes: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	return out, nil
}

// indexColumns returns the indexed columns in order, or nil when one of them
// is an expression (its name is NULL).
func (s *Source) indexColumns(ctx context.Context, index string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, index)
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", index, err)
	}
	defer rows.Close()
	var cols []string
	expression := false
	for rows.Next() {
		var name sql.NullString
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("read index %s: %w", index, err)
		}
		expression = expression || !name.Valid
		cols = append(cols, name.String)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read index %s: %w", index, err)
	}
	if expression {
		return nil, nil
	}
	return cols, nil
}

// indexName keeps a created index's name; the index SQLite makes for a
// UNIQUE constraint is named sqlite_autoindex_<table>_<n>, which means
// nothing on the target, so it gets PostgreSQL's name for the same
// constraint: <table>_<columns>_key.
func indexName(table string, e indexEntry, cols []string) string {
	if !strings.HasPrefix(e.name, "sqlite_autoindex_") {
		return e.name
	}
	return table + "_" + strings.Join(cols, "_") + "_key"
}
