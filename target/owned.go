package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// HasPrimaryKey reports whether schema.table exists with a primary key
// constraint. A table loaded with merge or append is written through its key,
// so a generation may merge into the table only once its key exists; a table
// without it is loaded afresh instead.
func (t *Target) HasPrimaryKey(ctx context.Context, schema, table string) (bool, error) {
	var ok bool
	err := t.queryRow(ctx, `
		SELECT EXISTS (
			SELECT 1 FROM pg_constraint k
			JOIN pg_class c ON c.oid = k.conrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = $1 AND c.relname = $2 AND k.contype = 'p')`, schema, table).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look for the primary key of %s.%s: %w", schema, table, err)
	}
	return ok, nil
}

// CountLoaded counts the rows of schema.table that Sluice wrote: those with a
// row hash (a row the application inserted has none) and, for a merged
// table, whose lineage column names source.
func (t *Target) CountLoaded(ctx context.Context, schema, table, hashColumn, sourceColumn, source string) (int64, error) {
	q := "SELECT count(*) FROM " + pgx.Identifier{schema, table}.Sanitize() +
		" WHERE " + pgx.Identifier{hashColumn}.Sanitize() + " IS NOT NULL"
	args := []any{}
	if sourceColumn != "" {
		q += " AND " + pgx.Identifier{sourceColumn}.Sanitize() + " = $1"
		args = append(args, source)
	}
	var n int64
	if err := t.queryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the rows Sluice loaded into %s.%s: %w", schema, table, err)
	}
	return n, nil
}
