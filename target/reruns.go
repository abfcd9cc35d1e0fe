package target

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// A table whose changes sync cannot apply one by one (a where: filter, a
// PostgreSQL table without a key it may not capture) is kept current by
// reruns of its load instead: sluice.sync_reruns says which, why, and when
// the last rerun finished, for status and /metrics; stream_counts.skipped
// counts the changes its stream carried and did not apply. stream_notes
// holds what status says of a streamed table besides (an added column its
// mapping ignores: widen.go).
const rerunsSchema = `CREATE TABLE sluice.sync_reruns (
	table_id text PRIMARY KEY,
	source text NOT NULL,
	reason text NOT NULL,
	reruns bigint NOT NULL DEFAULT 0,
	last_run_id bigint,
	last_rerun_at timestamptz
);
ALTER TABLE sluice.stream_counts ADD COLUMN skipped bigint NOT NULL DEFAULT 0;
CREATE TABLE sluice.stream_notes (
	source text NOT NULL,
	table_id text NOT NULL,
	note text NOT NULL,
	noted_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (source, table_id)
);`

// SyncRerun is a table sync keeps current by reruns.
type SyncRerun struct {
	TableID     string     `json:"table"`
	Source      string     `json:"source"`
	Reason      string     `json:"reason"`
	Reruns      int64      `json:"reruns"`
	LastRunID   int64      `json:"last_run_id,omitempty"`
	LastRerunAt *time.Time `json:"last_rerun_at,omitempty"` // nil: not rerun yet
}

// SetSyncReruns records the tables of source that sync keeps current by
// reruns, with why (by table ID); the source's other tables stream. Such a
// table is not stopped (an older sync stopped the tables it now reruns).
func (t *Target) SetSyncReruns(ctx context.Context, source string, reasons map[string]string) error {
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		ids := make([]string, 0, len(reasons))
		for id, why := range reasons {
			ids = append(ids, id)
			_, err := tx.Exec(ctx, `INSERT INTO sluice.sync_reruns (table_id, source, reason) VALUES ($1, $2, $3)
				ON CONFLICT (table_id) DO UPDATE SET source = EXCLUDED.source, reason = EXCLUDED.reason`, id, source, why)
			if err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, "DELETE FROM sluice.sync_reruns WHERE source = $1 AND NOT (table_id = ANY($2))", source, ids)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "DELETE FROM sluice.stream_stops WHERE source = $1 AND table_id = ANY($2)", source, ids)
		return err
	})
	if err != nil {
		return fmt.Errorf("record the tables of %s kept current by reruns on %s: %w", source, t.where, err)
	}
	return nil
}

// RecordRerun records that run (the rerun's own migrate run) brought the
// tables named up to date, with an audit entry of the sync's run syncRun.
func (t *Target) RecordRerun(ctx context.Context, syncRun, run int64, ids []string, why string) error {
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE sluice.sync_reruns SET reruns = reruns + 1, last_run_id = $2, last_rerun_at = now()
			WHERE table_id = ANY($1)`, ids, run)
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Entry{RunID: syncRun, Operation: audit.OpStreamRerun,
			Details: map[string]any{"tables": ids, "run": run, "why": why}})
		return err
	})
	if err != nil {
		return fmt.Errorf("record the rerun of %v on %s: %w", ids, t.where, err)
	}
	return nil
}

// SyncReruns lists the tables sync keeps current by reruns, by table ID;
// none when the state schema predates them.
func (t *Target) SyncReruns(ctx context.Context) ([]SyncRerun, error) {
	var exists bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.sync_reruns') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return nil, err
	}
	rows, _ := t.pool.Query(ctx, `SELECT table_id, source, reason, reruns, coalesce(last_run_id, 0), last_rerun_at
		FROM sluice.sync_reruns ORDER BY table_id`)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[SyncRerun])
	if err != nil {
		return nil, fmt.Errorf("read the tables kept current by reruns on %s: %w", t.where, err)
	}
	return out, nil
}
