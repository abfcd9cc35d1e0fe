package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

var _ sluice.ChangeSink = (*Source)(nil)

// PrepareSink creates the record table sluice_reverse in the source
// database.
func (s *Source) PrepareSink(ctx context.Context) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	if _, err := w.ExecContext(ctx, sinkTableSQL); err != nil {
		return fmt.Errorf("create %s in %s: %w", sluice.SinkTable, s.where, classify(err))
	}
	return nil
}

// DropSink drops the record table.
func (s *Source) DropSink(ctx context.Context) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	if _, err := w.ExecContext(ctx, "DROP TABLE IF EXISTS "+quoteIdent(sluice.SinkTable)); err != nil {
		return fmt.Errorf("drop %s in %s: %w", sluice.SinkTable, s.where, classify(err))
	}
	return nil
}

// SinkPosition reads the position of the last batch applied for name.
func (s *Source) SinkPosition(ctx context.Context, name string) (string, error) {
	var pos string
	err := s.db.QueryRowContext(ctx, "SELECT position FROM "+quoteIdent(sluice.SinkTable)+" WHERE name = ?", name).Scan(&pos)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the reverse position %s in %s: %w", name, s.where, classify(err))
	}
	return pos, nil
}

// Apply applies the batch and records its position in one transaction.
// The record's row is locked first (FOR UPDATE), so two appliers of the
// same stream take turns and the second sees the first's position.
func (s *Source) Apply(ctx context.Context, batch sluice.SinkBatch) (sluice.SinkResult, error) {
	w, err := s.writer()
	if err != nil {
		return sluice.SinkResult{}, err
	}
	if batch.Position == nil || batch.Parse == nil {
		return sluice.SinkResult{}, fmt.Errorf("apply to %s: the batch has no position", s.where)
	}
	// The row exists before the transaction, so that its lock is a row lock
	// and not a gap lock two first batches could both hold.
	init := "INSERT IGNORE INTO " + quoteIdent(sluice.SinkTable) + " (name, position, applied_at) VALUES (?, '', UTC_TIMESTAMP(6))"
	if _, err := w.ExecContext(ctx, init, batch.Name); err != nil {
		return sluice.SinkResult{}, fmt.Errorf("apply to %s: %w", s.where, classify(err))
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return sluice.SinkResult{}, fmt.Errorf("apply to %s: %w", s.where, classify(err))
	}
	defer tx.Rollback()
	res, err := s.applyTx(ctx, tx, batch)
	if err != nil || !res.Applied {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return sluice.SinkResult{}, fmt.Errorf("apply to %s: commit: %w", s.where, classify(err))
	}
	return res, nil
}

func (s *Source) applyTx(ctx context.Context, tx *sql.Tx, batch sluice.SinkBatch) (sluice.SinkResult, error) {
	done, earlier, err := appliedBefore(ctx, tx, batch)
	if err != nil || done {
		return sluice.SinkResult{Generated: earlier}, s.applyErr(err)
	}
	res := sluice.SinkResult{Applied: true}
	res.Generated, err = sluice.ApplyChanges(batch.Changes, func(c sluice.RowChange) ([]any, error) { return s.applyChange(ctx, tx, c) })
	if err != nil {
		return sluice.SinkResult{}, err
	}
	keys, err := sluice.EncodeGeneratedKeys(res.Generated)
	if err != nil {
		return sluice.SinkResult{}, s.applyErr(err)
	}
	record := "UPDATE " + quoteIdent(sluice.SinkTable) + " SET position = ?, generated_keys = ?, applied_at = UTC_TIMESTAMP(6) WHERE name = ?"
	if _, err := tx.ExecContext(ctx, record, batch.Position.String(), keys, batch.Name); err != nil {
		return sluice.SinkResult{}, s.applyErr(fmt.Errorf("record position %s: %w", batch.Position, err))
	}
	return res, nil
}

func (s *Source) applyErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("apply to %s: %w", s.where, classify(err))
}

// appliedBefore locks the stream's record and tells whether a batch at or
// after this one's position was applied already, with the keys recorded
// with this very batch.
func appliedBefore(ctx context.Context, tx *sql.Tx, batch sluice.SinkBatch) (bool, []sluice.GeneratedKey, error) {
	var stored string
	var keys sql.NullString
	q := "SELECT position, generated_keys FROM " + quoteIdent(sluice.SinkTable) + " WHERE name = ? FOR UPDATE"
	if err := tx.QueryRowContext(ctx, q, batch.Name).Scan(&stored, &keys); err != nil {
		return false, nil, fmt.Errorf("lock the reverse position %s: %w", batch.Name, err)
	}
	return sluice.SinkRecordCovers(batch, stored, keys.String)
}

// applyChange runs one change; it returns the key the source generated for
// an insert without one.
func (s *Source) applyChange(ctx context.Context, tx *sql.Tx, c sluice.RowChange) ([]any, error) {
	stmt, args, err := changeSQL(c)
	if err != nil {
		return nil, fmt.Errorf("apply %s to %s.%s: %w", c.Kind, s.name, c.Table, err)
	}
	r, err := tx.ExecContext(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("apply %s to %s.%s key %s: %w", c.Kind, s.name, c.Table, keyText(c.KeyValues), classify(err))
	}
	n, err := r.RowsAffected()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, &sluice.SinkConflictError{Source: s.name, Table: c.Table, Kind: c.Kind, Key: keyText(c.KeyValues)}
	}
	if c.Kind != sluice.ChangeInsert || c.KeyValues != nil {
		return nil, nil
	}
	id, err := r.LastInsertId()
	if err != nil || id == 0 {
		return nil, fmt.Errorf("apply insert to %s.%s: the source generated no key (is %s AUTO_INCREMENT?)", s.name, c.Table, c.Key[0])
	}
	return []any{id}, nil
}

func keyText(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprint(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
