package target

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// OpDeleteMissing is the audit operation of DeleteMissing.
const OpDeleteMissing = "table.delete_missing"

// DeleteMissing names a table (or a part of a merged table) whose rows that
// a generation did not see are deleted: those Sluice loaded before (their
// hash is set; rows the application inserted have none) whose source row is
// gone.
type DeleteMissing struct {
	RunID      int64
	TableID    string // "<source>.<table>", whose chunks recorded the keys seen (MergeSpec.TrackSeen)
	Generation int
	Schema     string
	Table      string
	Key        []string // as MergeSpec.Key
	HashColumn string
	// SourceColumn and Source restrict a merged table's deletes to the
	// part's own rows.
	SourceColumn, Source string
	Match                *MatchSpec // set for a part merged on a natural key
}

// DeleteMissing deletes, once the generation d names has loaded every chunk,
// the rows Sluice loaded whose source row was not seen in it. A part merged
// on a natural key first forgets the legacy keys not seen; an entity row
// goes when the row that owns it is gone. In one transaction it deletes,
// forgets the keys seen, adds the count to the table's rows_deleted and
// records it in the audit trail. It returns the number of rows deleted; a
// second call in the same generation deletes nothing.
func (t *Target) DeleteMissing(ctx context.Context, d DeleteMissing) (int64, error) {
	var n int64
	err := t.do(ctx, func() error { // a second call in the generation deletes nothing
		return pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) (err error) {
			n, err = deleteMissing(ctx, tx, &d)
			return err
		})
	})
	if err != nil {
		return 0, fmt.Errorf("delete rows of %s.%s missing from %s: %w", d.Schema, d.Table, d.TableID, err)
	}
	return n, nil
}

func deleteMissing(ctx context.Context, tx pgx.Tx, d *DeleteMissing) (int64, error) {
	done, err := claimDeleteMissing(ctx, tx, d)
	if done || err != nil {
		return 0, err
	}
	if err := checkSeen(ctx, tx, d); err != nil {
		return 0, err
	}
	var rows, keys int64
	if d.Match != nil {
		rows, keys, err = deleteUnseenEntities(ctx, tx, d)
	} else {
		rows, err = deleteUnseenRows(ctx, tx, d)
	}
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM sluice.seen WHERE table_id = $1", d.TableID); err != nil {
		return 0, fmt.Errorf("forget the keys seen: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE sluice.tables SET rows_deleted = rows_deleted + $3, missing_deleted_at = now(),
		updated_at = now() WHERE id = $1 AND generation = $2`, d.TableID, d.Generation, rows)
	if err != nil {
		return 0, fmt.Errorf("record rows deleted: %w", err)
	}
	return rows, auditDeleteMissing(ctx, tx, d, rows, keys)
}

// claimDeleteMissing locks the table's row, and reports whether this
// generation deleted its missing rows already.
func claimDeleteMissing(ctx context.Context, tx pgx.Tx, d *DeleteMissing) (bool, error) {
	var done bool
	err := tx.QueryRow(ctx, `SELECT missing_deleted_at IS NOT NULL FROM sluice.tables
		WHERE id = $1 AND generation = $2 FOR UPDATE`, d.TableID, d.Generation).Scan(&done)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, staleGeneration(d.TableID, d.Generation)
	}
	if err != nil {
		return false, fmt.Errorf("read state of %s: %w", d.TableID, err)
	}
	return done, nil
}

// checkSeen refuses to delete when the keys seen are not every row the
// ledger says the generation loaded: sluice.seen is unlogged, so a crash of
// the server empties it, and a chunk loaded without TrackSeen records none.
// Deleting then would delete rows whose source row exists.
func checkSeen(ctx context.Context, tx pgx.Tx, d *DeleteMissing) error {
	var loaded, seen int64
	err := tx.QueryRow(ctx, `SELECT
			(SELECT coalesce(sum(rows_loaded), 0) FROM sluice.chunks WHERE table_id = $1 AND generation = $2),
			(SELECT count(*) FROM sluice.seen WHERE table_id = $1 AND generation = $2)`,
		d.TableID, d.Generation).Scan(&loaded, &seen)
	if err != nil {
		return fmt.Errorf("count the keys seen: %w", err)
	}
	if loaded != seen {
		return fmt.Errorf("the generation loaded %d rows but %d keys were recorded as seen (the server restarted, "+
			"or chunks were loaded without tracking keys): nothing deleted; load the table in a new generation", loaded, seen)
	}
	return nil
}

// deleteUnseenRows deletes the rows of a table not matched on a natural key
// whose key was not seen.
func deleteUnseenRows(ctx context.Context, tx pgx.Tx, d *DeleteMissing) (int64, error) {
	q := fmt.Sprintf(`DELETE FROM %s AS t WHERE t.%s IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM sluice.seen AS x WHERE x.table_id = $1 AND x.generation = $2 AND x.key = %s)`,
		pgx.Identifier{d.Schema, d.Table}.Sanitize(), quoteIdent(d.HashColumn), rowKeyText("t", d.Key))
	args := []any{d.TableID, d.Generation}
	if d.SourceColumn != "" {
		q += fmt.Sprintf(" AND t.%s = $3", quoteIdent(d.SourceColumn))
		args = append(args, d.Source)
	}
	tag, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("delete rows not seen: %w", err)
	}
	return tag.RowsAffected(), nil
}

// deleteUnseenEntities forgets the part's legacy keys not seen, then deletes
// the part's entity rows whose owning row has no legacy key any more. It
// returns the rows deleted and the legacy keys forgotten.
func deleteUnseenEntities(ctx context.Context, tx pgx.Tx, d *DeleteMissing) (rows, keys int64, err error) {
	tag, err := tx.Exec(ctx, `DELETE FROM sluice.legacy_keys AS lk WHERE lk.table_id = $1 AND NOT EXISTS (
			SELECT 1 FROM sluice.seen AS x WHERE x.table_id = $1 AND x.generation = $2 AND x.key = lk.legacy_uuid::text)`,
		d.TableID, d.Generation)
	if err != nil {
		return 0, 0, fmt.Errorf("forget legacy keys not seen: %w", err)
	}
	keys = tag.RowsAffected()
	src, leg := quoteIdent(d.SourceColumn), quoteIdent(d.Match.LegacyColumn)
	tag, err = tx.Exec(ctx, fmt.Sprintf(`DELETE FROM %[1]s AS t WHERE t.%[2]s IS NOT NULL AND t.%[3]s = $1 AND NOT EXISTS (
			SELECT 1 FROM sluice.legacy_keys AS lk WHERE lk.entity = t.%[4]s AND lk.source = t.%[3]s AND lk.legacy_key = t.%[5]s::text)`,
		pgx.Identifier{d.Schema, d.Table}.Sanitize(), quoteIdent(d.HashColumn), src, quoteIdent(d.Key[0]), leg), d.Source)
	if err != nil {
		return 0, 0, fmt.Errorf("delete entities whose owning row is gone: %w", err)
	}
	rows = tag.RowsAffected()
	return rows, keys, deleteMootConflicts(ctx, tx, d)
}

// deleteMootConflicts deletes the conflicts of entities no longer in the
// table, and those of the part's rows whose source row is gone: there is
// nothing left to resolve. Their resolutions stay in the audit trail.
func deleteMootConflicts(ctx context.Context, tx pgx.Tx, d *DeleteMissing) error {
	_, err := tx.Exec(ctx, fmt.Sprintf(`DELETE FROM sluice.conflicts AS c
		WHERE c.target_schema = $1 AND c.target_table = $2 AND (
			NOT EXISTS (SELECT 1 FROM %s AS t WHERE t.%s = c.entity)
			OR (c.other_source = $3 AND NOT EXISTS (SELECT 1 FROM sluice.legacy_keys AS lk
				WHERE lk.entity = c.entity AND lk.source = c.other_source AND lk.legacy_key = c.other_key)))`,
		pgx.Identifier{d.Schema, d.Table}.Sanitize(), quoteIdent(d.Key[0])), d.Schema, d.Table, d.Source)
	if err != nil {
		return fmt.Errorf("delete conflicts of rows gone: %w", err)
	}
	return nil
}

func auditDeleteMissing(ctx context.Context, tx pgx.Tx, d *DeleteMissing, rows, keys int64) error {
	details := map[string]any{"table": d.TableID, "target": d.Schema + "." + d.Table, "generation": d.Generation,
		"rows_deleted": rows}
	if d.Match != nil {
		details["legacy_keys_deleted"] = keys
	}
	if _, err := audit.Append(ctx, tx, audit.Entry{RunID: d.RunID, Operation: OpDeleteMissing, Details: details}); err != nil {
		return fmt.Errorf("record the deletes in the audit trail: %w", err)
	}
	return nil
}
