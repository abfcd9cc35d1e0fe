package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// StoreVerifyResults records results in sluice.verify_results in one
// transaction, each with its run (RunID 0 stores NULL) and time; what
// LatestVerify reads back.
func (t *Target) StoreVerifyResults(ctx context.Context, results []VerifyResult) error {
	batch := &pgx.Batch{}
	for _, r := range results {
		var run *int64
		if r.RunID != 0 {
			run = &r.RunID
		}
		batch.Queue(`INSERT INTO sluice.verify_results (run_id, table_id, level, status, findings, details, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, run, r.TableID, r.Level, r.Status, r.Findings, []byte(r.Details), r.At)
	}
	// A try whose commit went unanswered may have stored the rows: they
	// carry the report's time, which the next try looks for first.
	stored := func() (bool, error) {
		if len(results) == 0 {
			return false, nil
		}
		var found bool
		err := t.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM sluice.verify_results WHERE table_id = $1 AND at = $2)",
			results[0].TableID, results[0].At).Scan(&found)
		return found, err
	}
	err := t.doOnce(ctx, stored, func() error {
		return pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, batch).Close() })
	})
	if err != nil {
		return fmt.Errorf("store verify results on %s: %w", t.where, err)
	}
	return nil
}
