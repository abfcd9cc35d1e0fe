package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/sluicedb/sluice"
)

// columns reads pragma table_xinfo, which unlike table_info also lists
// generated columns; hidden columns of virtual tables (hidden = 1) are not
// data. It returns the primary key in its declared order.
func (s *Source) columns(ctx context.Context, table string) ([]sluice.Column, []string, error) {
	const q = `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid`
	rows, err := s.db.QueryContext(ctx, q, table)
	if err != nil {
		return nil, nil, fmt.Errorf("read columns: %w", err)
	}
	defer rows.Close()
	var cols []sluice.Column
	var pk []pkPart
	for rows.Next() {
		c, pos, err := scanColumn(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("read columns: %w", err)
		}
		if pos > 0 {
			pk = append(pk, pkPart{pos, c.Name})
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read columns: %w", err)
	}
	s.markCharsets(cols)
	return cols, pkOrder(pk), nil
}

type pkPart struct {
	pos  int
	name string
}

func scanColumn(rows *sql.Rows) (sluice.Column, int, error) {
	var (
		c       sluice.Column
		decl    string
		notNull bool
		dflt    sql.NullString
		pos     int
	)
	if err := rows.Scan(&c.Name, &decl, &notNull, &dflt, &pos); err != nil {
		return c, 0, err
	}
	c.Type = ParseType(decl)
	c.Nullable = !notNull
	if dflt.Valid {
		c.Default = &dflt.String
	}
	return c, pos, nil
}

func pkOrder(parts []pkPart) []string {
	if len(parts) == 0 {
		return nil
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].pos < parts[j].pos })
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.name
	}
	return names
}

// equalFold compares identifiers as SQLite does: ASCII letters without case,
// every other character exactly.
func equalFold(a, b string) bool {
	return len(a) == len(b) && asciiLower(a) == asciiLower(b)
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
