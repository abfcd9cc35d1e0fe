package target

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The read models below are what `sluice status`, `sluice serve` and the
// metrics read of the state schema: typed, read-only, and the only SQL on
// sluice.* those three run. Each fails with ErrNoState's cause when the
// target has no state schema; callers check Status first.

// Runs lists up to limit runs, newest first, skipping offset. A run whose
// session is gone reads as interrupted.
func (t *Target) Runs(ctx context.Context, limit, offset int) ([]Run, error) {
	runs, err := readRuns(ctx, t.pool, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list runs on %s: %w", t.where, err)
	}
	return runs, nil
}

// ThroughputPoint is what the chunks committed in one step of time hold.
type ThroughputPoint struct {
	At      time.Time `json:"at"` // the step's start
	Read    int64     `json:"read"`
	Written int64     `json:"written"` // inserted + updated
	Chunks  int64     `json:"chunks"`
}

// Throughput sums the ledger by step over the window that ends now, oldest
// first; steps with no chunk are left out.
func (t *Target) Throughput(ctx context.Context, window, step time.Duration) ([]ThroughputPoint, error) {
	rows, _ := t.pool.Query(ctx, `
		SELECT date_bin($2::interval, committed_at, 'epoch'::timestamptz) AS at,
			sum(rows_read)::bigint, sum(rows_inserted + rows_updated)::bigint, count(*)
		FROM sluice.chunks WHERE committed_at > now() - $1::interval
		GROUP BY 1 ORDER BY 1`, window, step)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ThroughputPoint, error) {
		var p ThroughputPoint
		err := r.Scan(&p.At, &p.Read, &p.Written, &p.Chunks)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("sum the ledger by time on %s: %w", t.where, err)
	}
	return out, nil
}

// LastCommits is when each table's latest chunk committed, by table ID.
func (t *Target) LastCommits(ctx context.Context) (map[string]time.Time, error) {
	rows, _ := t.pool.Query(ctx, `SELECT table_id, max(committed_at) FROM sluice.chunks GROUP BY table_id`)
	out := map[string]time.Time{}
	var id string
	var at time.Time
	_, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error {
		out[id] = at
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the last commits on %s: %w", t.where, err)
	}
	return out, nil
}

// RejectGroup counts the rejects of one table's current generation that
// share a column and a reason.
type RejectGroup struct {
	TableID string `json:"table_id"`
	Column  string `json:"column"`
	Reason  string `json:"reason"`
	Rows    int64  `json:"rows"`
}

// RejectGroups groups the current generations' rejects by table, column
// and reason, the largest groups first, at most limit groups.
func (t *Target) RejectGroups(ctx context.Context, limit int) ([]RejectGroup, error) {
	rows, _ := t.pool.Query(ctx, `
		SELECT r.table_id, coalesce(r.column_name, ''), r.reason, count(*)
		FROM sluice.rejects r JOIN sluice.tables t ON t.id = r.table_id AND t.generation = r.generation
		GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 LIMIT $1`, limit)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[RejectGroup])
	if err != nil {
		return nil, fmt.Errorf("group the rejects on %s: %w", t.where, err)
	}
	return out, nil
}

// RejectPage is up to limit rejects of table tableID's current generation
// whose reject_id is above after, in reject_id order: a page, and the
// next page starts after its last ID.
func (t *Target) RejectPage(ctx context.Context, tableID string, after int64, limit int) ([]RejectRow, error) {
	rows, _ := t.pool.Query(ctx, `
		SELECT r.reject_id, coalesce(r.run_id, 0), r.table_id, r.generation, r.chunk_no, coalesce(r.source, ''),
			coalesce(r.source_table, ''), coalesce(r.target_table, ''), coalesce(r.row_key, ''),
			coalesce(r.column_name, ''), coalesce(r.raw_text, ''), r.raw_bytes, r.raw_text IS NULL, r.reason, r.rejected_at
		FROM sluice.rejects r JOIN sluice.tables t ON t.id = r.table_id AND t.generation = r.generation
		WHERE r.table_id = $1 AND r.reject_id > $2 ORDER BY r.reject_id LIMIT $3`, tableID, after, limit)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (RejectRow, error) {
		var r RejectRow
		err := row.Scan(&r.ID, &r.RunID, &r.TableID, &r.Generation, &r.ChunkNo, &r.Source, &r.SourceTable,
			&r.TargetTable, &r.Key, &r.Column, &r.RawText, &r.RawBytes, &r.RawNull, &r.Reason, &r.RejectedAt)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("read the rejects of %s on %s: %w", tableID, t.where, err)
	}
	return out, nil
}

// VerifyResult is the latest verification of one table at one level.
type VerifyResult struct {
	RunID    int64           `json:"run_id"`
	TableID  string          `json:"table_id"`
	Level    int             `json:"level"`
	Status   string          `json:"status"`
	Findings int             `json:"findings"`
	Details  json.RawMessage `json:"details"` // as verify stored it: detail and findings with both values
	At       time.Time       `json:"at"`
}

// LatestVerify reads the latest result of every table and level.
func (t *Target) LatestVerify(ctx context.Context) ([]VerifyResult, error) {
	rows, _ := t.pool.Query(ctx, `
		SELECT DISTINCT ON (table_id, level) coalesce(run_id, 0), table_id, level, status, findings, details, at
		FROM sluice.verify_results ORDER BY table_id, level, verify_id DESC`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (VerifyResult, error) {
		var v VerifyResult
		var details []byte
		err := r.Scan(&v.RunID, &v.TableID, &v.Level, &v.Status, &v.Findings, &details, &v.At)
		v.Details = details
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("read the verification results on %s: %w", t.where, err)
	}
	return out, nil
}

// AuditHead is the end of the audit trail as stored, without checking it
// (VerifyAudit does).
type AuditHead struct {
	Seq        int64  `json:"seq"` // 0: no entry
	Hash       string `json:"hash"`
	Signed     int64  `json:"signed"`      // entries that carry a signature
	SignedSeq  int64  `json:"signed_seq"`  // the last signed entry
	SignedRuns int64  `json:"signed_runs"` // runs with a signed head
}

// ReadAuditHead reads the last entry of the trail and its signatures; a
// target without a trail has the zero head.
func (t *Target) ReadAuditHead(ctx context.Context) (AuditHead, error) {
	var h AuditHead
	if err := t.hasAudit(ctx); err != nil {
		if err == ErrNoAudit {
			return h, nil
		}
		return h, err
	}
	err := t.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0),
			coalesce((SELECT hash FROM sluice.audit ORDER BY seq DESC LIMIT 1), ''),
			count(signature), coalesce(max(seq) FILTER (WHERE signature IS NOT NULL), 0),
			count(DISTINCT run_id) FILTER (WHERE signature IS NOT NULL)
		FROM sluice.audit`).Scan(&h.Seq, &h.Hash, &h.Signed, &h.SignedSeq, &h.SignedRuns)
	if err != nil {
		return h, fmt.Errorf("read the audit head on %s: %w", t.where, err)
	}
	return h, nil
}

// TableBytes is the size on disk of each target table (with its indexes
// and TOAST), by schema-qualified name, for the tables of sluice.tables.
func (t *Target) TableBytes(ctx context.Context) (map[string]int64, error) {
	rows, _ := t.pool.Query(ctx, `
		SELECT DISTINCT target_schema || '.' || target_table,
			coalesce(pg_total_relation_size(to_regclass(quote_ident(target_schema) || '.' || quote_ident(target_table))), 0)
		FROM sluice.tables WHERE retired_at IS NULL`)
	out := map[string]int64{}
	var name string
	var n int64
	_, err := pgx.ForEachRow(rows, []any{&name, &n}, func() error {
		out[name] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the table sizes on %s: %w", t.where, err)
	}
	return out, nil
}
