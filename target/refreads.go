package target

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The reverse stream writes a rewritten foreign key back to its source as
// the legacy key of the row its uuid names: it reads that row here.

// RowRef says where the rows of one source table are on the target.
type RowRef struct {
	Schema, Table string
	Key           string // the uuid primary key column
	Legacy        string // the legacy key column
	Lineage       string // a merged table's source column; "" when not merged
}

// ReferencedRow is the row a rewritten foreign key names.
type ReferencedRow struct {
	// Legacy is the legacy column's value as pgx reads it; nil while the
	// source has not given the row a key (inserted on the target).
	Legacy any
	// Lineage is the source the row came from, in a merged table; "" for a
	// row inserted on the target or a table that is not merged.
	Lineage string
}

// ReadReferenced reads the legacy key and lineage of the row of r whose
// primary key is id; found false when there is none.
func (t *Target) ReadReferenced(ctx context.Context, r RowRef, id [16]byte) (ReferencedRow, bool, error) {
	lineage := "NULL::text"
	if r.Lineage != "" {
		lineage = quoteIdent(r.Lineage) + "::text"
	}
	q := fmt.Sprintf("SELECT %s, %s FROM %s.%s WHERE %s = $1", quoteIdent(r.Legacy), lineage,
		quoteIdent(r.Schema), quoteIdent(r.Table), quoteIdent(r.Key))
	var row ReferencedRow
	var src *string
	err := t.pool.QueryRow(ctx, q, id).Scan(&row.Legacy, &src)
	if errors.Is(err, pgx.ErrNoRows) {
		return ReferencedRow{}, false, nil
	}
	if err != nil {
		return ReferencedRow{}, false, fmt.Errorf("read the legacy key of %s.%s row %x on %s: %w", r.Schema, r.Table, id, t.where, err)
	}
	if src != nil {
		row.Lineage = *src
	}
	return row, true, nil
}

// MatchedLegacyKeys are the legacy keys (as sluice.KeyText wrote them) of
// the rows of table tableID that were matched into entity: none, one, or
// more when rows of one source table share the natural key (at most two
// are read: one is the answer, two say it is ambiguous).
func (t *Target) MatchedLegacyKeys(ctx context.Context, entity [16]byte, tableID string) ([]string, error) {
	rows, _ := t.pool.Query(ctx, `SELECT legacy_key FROM sluice.legacy_keys WHERE entity = $1 AND table_id = $2 ORDER BY legacy_key LIMIT 2`,
		entity, tableID)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read the %s rows matched into %x on %s: %w", tableID, entity, t.where, err)
	}
	return keys, nil
}
