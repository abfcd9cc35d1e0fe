package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ColumnAdd is a column added to a source table that the mapping takes as
// it comes: the batch adds it to the target table, nullable, before its
// rows, and records the table's mapping as the one it now holds.
type ColumnAdd struct {
	TableID, Schema, Table, Column, Type string
	// PlanHash is the table's mapping with the column (see
	// TableState.PlanHash); "" keeps the one recorded.
	PlanHash string
}

// addColumns adds the batch's columns; IF NOT EXISTS: a batch replayed
// after a failed commit adds nothing twice.
func addColumns(ctx context.Context, tx pgx.Tx, adds []ColumnAdd) error {
	for _, a := range adds {
		stmt := fmt.Sprintf("ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s", pgx.Identifier{a.Schema, a.Table}.Sanitize(),
			pgx.Identifier{a.Column}.Sanitize(), a.Type)
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("add column %s to %s.%s: %w", a.Column, a.Schema, a.Table, err)
		}
		if a.PlanHash == "" {
			continue
		}
		if _, err := tx.Exec(ctx, "UPDATE sluice.tables SET plan_hash = $2 WHERE id = $1", a.TableID, a.PlanHash); err != nil {
			return fmt.Errorf("record the mapping of %s: %w", a.TableID, err)
		}
	}
	return nil
}

// noteTables records, by table ID, what status says of a table's stream
// besides its mode (an added column its mapping ignores).
func noteTables(ctx context.Context, tx pgx.Tx, source string, notes map[string]string) error {
	for id, note := range notes {
		_, err := tx.Exec(ctx, `INSERT INTO sluice.stream_notes (source, table_id, note) VALUES ($1, $2, $3)
			ON CONFLICT (source, table_id) DO UPDATE SET note = EXCLUDED.note, noted_at = now()`, source, id, note)
		if err != nil {
			return fmt.Errorf("note on the stream of %s: %w", id, err)
		}
	}
	return nil
}

// StreamNotes lists what status says of the tables of source besides their
// mode, by table ID; none when the state schema predates them.
func (t *Target) StreamNotes(ctx context.Context, source string) (map[string]string, error) {
	out := map[string]string{}
	var exists bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.stream_notes') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return out, err
	}
	rows, _ := t.pool.Query(ctx, "SELECT table_id, note FROM sluice.stream_notes WHERE source = $1", source)
	var id, note string
	_, err := pgx.ForEachRow(rows, []any{&id, &note}, func() error {
		out[id] = note
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the notes on the stream of %s: %w", source, err)
	}
	return out, nil
}
