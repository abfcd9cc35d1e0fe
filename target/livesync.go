package target

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// LagPoint is one applied stream batch: when it committed on the target and
// how late, from the source's commit of its last transaction.
type LagPoint struct {
	Source     string    `json:"source"`
	At         time.Time `json:"at"`
	LagSeconds float64   `json:"lag_seconds"`
	Changes    int64     `json:"changes"`
}

// lagScanEntries is how many of the latest audit entries LagSeries looks
// through for stream batches.
const lagScanEntries = 20000

// LagSeries reads the stream batches of the audit trail committed in the
// last window (among the last lagScanEntries entries of the trail), at most
// most of them (the latest), oldest first. A batch
// without a source commit time (the source cannot tell) has no point.
func (t *Target) LagSeries(ctx context.Context, window time.Duration, most int) ([]LagPoint, error) {
	if err := t.hasAudit(ctx); errors.Is(err, ErrNoAudit) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	// Only the last lagScanEntries entries, a range of the primary key, are
	// looked at: the read stays bounded however long the trail is, and
	// whatever else (chunks, verifications) filled it lately.
	rows, _ := t.pool.Query(ctx, `SELECT source, at, lag, changes FROM (
		SELECT seq, details->>'source' AS source, at,
			greatest(0, extract(epoch FROM at - (details->>'source_time')::timestamptz))::float8 AS lag,
			coalesce((details->>'changes')::bigint, 0) AS changes
		FROM sluice.audit
		WHERE seq > (SELECT coalesce(max(seq), 0) FROM sluice.audit) - $4
			AND operation = $1 AND at > now() - $2 * interval '1 second' AND details ? 'source_time'
		ORDER BY seq DESC LIMIT $3) b ORDER BY seq`,
		audit.OpStreamBatch, window.Seconds(), most, lagScanEntries)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[LagPoint])
	if err != nil {
		return nil, fmt.Errorf("read the lag of the stream batches on %s: %w", t.where, err)
	}
	return out, nil
}

// SyncHealth is what the state says, besides the streams and the
// verification, of whether a cutover may start: no table failed, no
// conflict waits for a person.
type SyncHealth struct {
	FailedTables  []string `json:"failed_tables"`
	OpenConflicts int64    `json:"open_conflicts"`
}

// SyncHealth reads the failed tables and counts the open conflicts.
func (t *Target) SyncHealth(ctx context.Context) (SyncHealth, error) {
	h := SyncHealth{FailedTables: []string{}}
	rows, _ := t.pool.Query(ctx, "SELECT id FROM sluice.tables WHERE state = $1 ORDER BY id", StateFailed)
	failed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return h, fmt.Errorf("read the failed tables on %s: %w", t.where, err)
	}
	h.FailedTables = append(h.FailedTables, failed...)
	var conflicts bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.conflicts') IS NOT NULL").Scan(&conflicts); err != nil {
		return h, fmt.Errorf("read the conflicts on %s: %w", t.where, err)
	}
	if conflicts {
		err := t.pool.QueryRow(ctx, "SELECT count(*) FROM sluice.conflicts WHERE status = $1", ConflictOpen).Scan(&h.OpenConflicts)
		if err != nil {
			return h, fmt.Errorf("count the open conflicts on %s: %w", t.where, err)
		}
	}
	return h, nil
}

// Lag is how late the last applied source transaction was applied: from
// its commit on the source to its commit on the target; while the stream
// streams, is behind and applies nothing, at least the time since its last
// batch (the lag grows while nothing commits). Nothing applied yet, a
// source that says it is not behind, or clocks that disagree: 0.
func (s Stream) Lag(now time.Time) time.Duration {
	if s.SourceTime.IsZero() || s.BehindBytes == 0 {
		return 0
	}
	lag := s.AppliedAt.Sub(s.SourceTime)
	if s.State == StreamStreaming && s.BehindBytes > 0 {
		lag = max(lag, now.Sub(s.AppliedAt))
	}
	return max(0, lag)
}

// ApplyRate is the changes applied per second since the stream started.
func (s Stream) ApplyRate() float64 {
	if d := s.AppliedAt.Sub(s.StartedAt).Seconds(); d > 0 {
		return float64(s.Changes) / d
	}
	return 0
}
