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
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, batch).Close() })
	if err != nil {
		return fmt.Errorf("store verify results on %s: %w", t.where, err)
	}
	return nil
}
