package verify

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// querier runs a query: the pool, or one connection (for its temporary tables).
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// sample runs q, a query of text columns with its args, and calls fn for
// each of its first MaxFindings rows in the order of the first column; the
// rows past those are counted as findings of level without being kept.
func (v *tableCheck) sample(ctx context.Context, level int, q string, fn func(vals []string), args ...any) error {
	return v.sampleOn(ctx, v.db, level, q, fn, args...)
}

// sampleOn is sample on a given connection.
func (v *tableCheck) sampleOn(ctx context.Context, db querier, level int, q string, fn func(vals []string), args ...any) error {
	wrapped := fmt.Sprintf("SELECT s.*, count(*) OVER () FROM (%s) s ORDER BY 1 LIMIT %d", q, v.o.MaxFindings)
	rows, err := db.Query(ctx, wrapped, args...)
	if err != nil {
		return fmt.Errorf("query %s: %w", v.cat.name, err)
	}
	defer rows.Close()
	var seen, total int64
	for rows.Next() {
		n := len(rows.FieldDescriptions())
		vals := make([]*string, n-1)
		dest := make([]any, n)
		for i := range vals {
			dest[i] = &vals[i]
		}
		dest[n-1] = &total
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("query %s: %w", v.cat.name, err)
		}
		fn(texts(vals))
		seen++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query %s: %w", v.cat.name, err)
	}
	v.found.uncounted(level, int(total-seen))
	return nil
}

func texts(ps []*string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		if p == nil {
			out[i] = "NULL"
		} else {
			out[i] = *p
		}
	}
	return out
}
