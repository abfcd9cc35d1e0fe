package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Column is a column of a target table as the catalog describes it.
type Column struct {
	Name    string
	Type    string // format_type, e.g. "character varying(50)"; an enum type "schema"."name" (TypeText)
	NotNull bool
}

// CountRows counts the rows of schema.table.
func (t *Target) CountRows(ctx context.Context, schema, table string) (int64, error) {
	var n int64
	err := t.queryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema, table}.Sanitize()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count rows of %s.%s: %w", schema, table, err)
	}
	return n, nil
}

// TypeText is a SQL expression over pg_attribute a: the column's type as
// format_type writes it, except an enum type, written as the plan writes
// the ones it creates: "schema"."name", quoted, whatever the search path.
const TypeText = `CASE WHEN (SELECT typtype FROM pg_type WHERE oid = a.atttypid) = 'e'
	THEN (SELECT '"' || replace(tn.nspname, '"', '""') || '"."' || replace(t.typname, '"', '""') || '"'
		FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace WHERE t.oid = a.atttypid)
	ELSE format_type(a.atttypid, a.atttypmod) END`

// Columns returns the columns of schema.table in order, or nil when the
// table does not exist.
func (t *Target) Columns(ctx context.Context, schema, table string) ([]Column, error) {
	rows, _ := t.pool.Query(ctx, `
		SELECT a.attname, `+TypeText+`, a.attnotnull
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, schema, table)
	cols, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Column])
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", schema, table, err)
	}
	if len(cols) == 0 {
		return nil, nil
	}
	return cols, nil
}

// CountWhere counts the rows of schema.table whose column equals value: the
// rows of one source in a merged table.
func (t *Target) CountWhere(ctx context.Context, schema, table, column, value string) (int64, error) {
	var n int64
	q := fmt.Sprintf("SELECT count(*) FROM %s WHERE %s = $1", pgx.Identifier{schema, table}.Sanitize(), quoteIdent(column))
	if err := t.queryRow(ctx, q, value).Scan(&n); err != nil {
		return 0, fmt.Errorf("count rows of %s.%s with %s = %q: %w", schema, table, column, value, err)
	}
	return n, nil
}

// CountLegacyKeys counts the legacy keys that table tableID (a part of a
// table merged on a natural key) recorded in sluice.legacy_keys.
func (t *Target) CountLegacyKeys(ctx context.Context, tableID string) (int64, error) {
	var n int64
	err := t.queryRow(ctx, "SELECT count(*) FROM sluice.legacy_keys WHERE table_id = $1", tableID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count legacy keys of %s: %w", tableID, err)
	}
	return n, nil
}
