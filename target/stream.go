package target

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// The states of a source's stream (sluice.streams.state).
const (
	StreamCopying   = "copying"   // the initial copy runs; the stream starts after it
	StreamStreaming = "streaming" // changes are applied as they come
	StreamCaughtUp  = "caught up" // every change before the last catch-up goal is applied
	StreamStopped   = "stopped"   // the sync ended cleanly (interrupted or done)
	StreamFailed    = "failed"    // the sync ended on an error, in message
)

// Stream is one source's row of sluice.streams: how far its change stream
// is applied.
type Stream struct {
	Source        string
	Capture       string // the capture's name on the source (slot, publication)
	Position      string // the last applied position, committed with its rows
	StartPosition string // where the stream started: the initial copy's snapshot
	State         string
	Message       string
	RunID         int64
	Batches       int64
	Transactions  int64 // source transactions applied
	Changes       int64 // row changes applied
	Rejects       int64
	SourceTime    time.Time // the source's commit time of the last applied transaction; zero when none
	StartedAt     time.Time
	AppliedAt     time.Time // when the last batch committed
	// What the source last said of its log (see RecordCaptureStatus):
	// its end, the bytes of it not yet applied and the bytes it keeps for
	// capture (-1: the source cannot tell), and when; zero CheckedAt: never.
	Head          string
	BehindBytes   int64
	RetainedBytes int64
	CheckedAt     time.Time
}

const streamColumns = `source, capture, position, start_position, state, coalesce(message, ''), coalesce(run_id, 0),
	batches, transactions, changes, rejects, coalesce(source_time, 'epoch'), started_at, applied_at,
	coalesce(head_position, ''), coalesce(behind_bytes, -1), coalesce(retained_bytes, -1), coalesce(checked_at, 'epoch')`

func scanStream(r pgx.Row) (Stream, error) {
	var s Stream
	err := r.Scan(&s.Source, &s.Capture, &s.Position, &s.StartPosition, &s.State, &s.Message, &s.RunID,
		&s.Batches, &s.Transactions, &s.Changes, &s.Rejects, &s.SourceTime, &s.StartedAt, &s.AppliedAt,
		&s.Head, &s.BehindBytes, &s.RetainedBytes, &s.CheckedAt)
	if s.SourceTime.Unix() == 0 {
		s.SourceTime = time.Time{}
	}
	if s.CheckedAt.Unix() == 0 {
		s.CheckedAt = time.Time{}
	}
	return s, err
}

// RecordCaptureStatus keeps what the source says of its log, for status and
// /metrics, which read only the target.
func (t *Target) RecordCaptureStatus(ctx context.Context, source, head string, behind, retained int64) error {
	_, err := t.pool.Exec(ctx, `UPDATE sluice.streams SET head_position = $2, behind_bytes = $3, retained_bytes = $4,
		checked_at = now() WHERE source = $1`, source, head, behind, retained)
	if err != nil {
		return fmt.Errorf("record the capture status of %s: %w", source, err)
	}
	return nil
}

// StreamCount is the changes a stream applied to one table, and those it
// skipped (a table kept current by reruns).
type StreamCount struct {
	Source, TableID           string
	Changes, Rejects, Skipped int64
}

// StreamCounts lists the changes each stream applied, by source and table.
func (t *Target) StreamCounts(ctx context.Context) ([]StreamCount, error) {
	var exists bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.stream_counts') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return nil, err
	}
	skipped := "0::bigint" // a state schema before version 13
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.sync_reruns') IS NOT NULL").Scan(&exists); err != nil {
		return nil, err
	} else if exists {
		skipped = "skipped"
	}
	rows, _ := t.pool.Query(ctx, "SELECT source, table_id, changes, rejects, "+skipped+" FROM sluice.stream_counts ORDER BY source, table_id")
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[StreamCount])
	if err != nil {
		return nil, fmt.Errorf("read the stream counts: %w", err)
	}
	return out, nil
}

// Stream reads source's stream, or nil when it has none: no sync has
// finished its initial copy.
func (t *Target) Stream(ctx context.Context, source string) (*Stream, error) {
	s, err := scanStream(t.pool.QueryRow(ctx, "SELECT "+streamColumns+" FROM sluice.streams WHERE source = $1", source))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the stream of %s: %w", source, err)
	}
	return &s, nil
}

// Streams lists every source's stream, by source name; none when the state
// schema predates live sync.
func (t *Target) Streams(ctx context.Context) ([]Stream, error) {
	var exists bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.streams') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return nil, err
	}
	rows, _ := t.pool.Query(ctx, "SELECT "+streamColumns+" FROM sluice.streams ORDER BY source")
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Stream, error) { return scanStream(r) })
	if err != nil {
		return nil, fmt.Errorf("read the streams: %w", err)
	}
	return out, nil
}

// StartStream records that source's tables are copied, each as of its
// position in starts (by source table), and that its stream starts at
// position, the earliest of them: any earlier stream of the source (and its
// stopped tables) is replaced. The entry goes to the audit trail with it.
func (t *Target) StartStream(ctx context.Context, runID int64, source, capture, position string, starts map[string]string) error {
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		if err := forgetStream(ctx, tx, source, false); err != nil {
			return err
		}
		for table, pos := range starts {
			_, err := tx.Exec(ctx, "INSERT INTO sluice.stream_starts (source, source_table, position) VALUES ($1, $2, $3)", source, table, pos)
			if err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO sluice.streams (source, capture, position, start_position, state, run_id)
			VALUES ($1, $2, $3, $3, 'streaming', nullif($4::bigint, 0))
			ON CONFLICT (source) DO UPDATE SET capture = EXCLUDED.capture, position = EXCLUDED.position,
				start_position = EXCLUDED.position, state = EXCLUDED.state, message = NULL, run_id = EXCLUDED.run_id,
				batches = 0, transactions = 0, changes = 0, rejects = 0, source_time = NULL,
				started_at = now(), applied_at = now()`, source, capture, position, runID)
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Entry{RunID: runID, Operation: audit.OpStreamStart,
			Details: map[string]any{"source": source, "capture": capture, "position": position, "tables": starts}})
		return err
	})
	if err != nil {
		return fmt.Errorf("start the stream of %s at %s: %w", source, position, err)
	}
	return nil
}

// SetStreamState records a stream's state (and why, for stopped and
// failed), and the run that follows it now.
func (t *Target) SetStreamState(ctx context.Context, runID int64, source, state, message string) error {
	_, err := t.pool.Exec(ctx, `UPDATE sluice.streams SET state = $2, message = nullif($3, ''),
		run_id = coalesce(nullif($4::bigint, 0), run_id) WHERE source = $1`, source, state, message, runID)
	if err != nil {
		return fmt.Errorf("record the state of the stream of %s: %w", source, err)
	}
	return nil
}

// StreamStops lists the tables of source whose stream stopped, with why.
func (t *Target) StreamStops(ctx context.Context, source string) (map[string]string, error) {
	rows, _ := t.pool.Query(ctx, "SELECT table_id, reason FROM sluice.stream_stops WHERE source = $1", source)
	out := map[string]string{}
	var id, reason string
	_, err := pgx.ForEachRow(rows, []any{&id, &reason}, func() error {
		out[id] = reason
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the stopped tables of %s: %w", source, err)
	}
	return out, nil
}

// StreamMovedError says that a batch does not start where the source's
// stream stands: it was applied already (a replay), or another sync moved
// the stream. Nothing of the batch is applied.
type StreamMovedError struct {
	Source   string
	From     string // where the batch starts
	Position string // where the stream stands; "" when it has no row
}

func (e *StreamMovedError) Error() string {
	if e.Position == "" {
		return fmt.Sprintf("the stream of %s has no position on the target: its initial copy did not finish", e.Source)
	}
	return fmt.Sprintf("the stream of %s stands at %s, not at %s where the batch starts: the batch was applied already, or another sync is running", e.Source, e.Position, e.From)
}

// DropStream forgets source's stream (its capture was removed from the
// source): the next sync copies its tables again.
func (t *Target) DropStream(ctx context.Context, source string) error {
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error { return forgetStream(ctx, tx, source, true) })
	if err != nil {
		return fmt.Errorf("forget the stream of %s: %w", source, err)
	}
	return nil
}

// StreamStarts reads the position each of source's tables was copied at.
func (t *Target) StreamStarts(ctx context.Context, source string) (map[string]string, error) {
	rows, _ := t.pool.Query(ctx, "SELECT source_table, position FROM sluice.stream_starts WHERE source = $1", source)
	out := map[string]string{}
	var table, pos string
	_, err := pgx.ForEachRow(rows, []any{&table, &pos}, func() error {
		out[table] = pos
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the copy positions of %s: %w", source, err)
	}
	return out, nil
}

// forgetStream deletes what the state schema holds of source's stream: its
// stopped tables and copy positions, and its row too when all is set.
func forgetStream(ctx context.Context, tx pgx.Tx, source string, all bool) error {
	tables := []string{"sluice.stream_stops", "sluice.stream_starts", "sluice.stream_counts", "sluice.stream_notes", "sluice.sync_reruns"}
	if all {
		tables = append(tables, "sluice.streams")
	}
	for _, table := range tables {
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE source = $1", source); err != nil {
			return err
		}
	}
	return nil
}

// SyncRunning says that a sync run is applying changes to this target now
// (a run of a process that died is not).
func (t *Target) SyncRunning(ctx context.Context) (bool, error) {
	var exists bool
	if err := t.pool.QueryRow(ctx, "SELECT to_regclass('sluice.runs') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return false, err
	}
	if _, err := t.MarkDeadRuns(ctx); err != nil {
		return false, err
	}
	var n int
	if err := t.pool.QueryRow(ctx, "SELECT count(*) FROM sluice.runs WHERE command = 'sync' AND status = 'running'").Scan(&n); err != nil {
		return false, fmt.Errorf("look for a running sync: %w", err)
	}
	return n > 0, nil
}
