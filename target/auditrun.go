package target

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// AuditSeal opens the seal (see audit.Seal) a command that writes entries
// here keeps the trail's end with: the heads the witness w holds (nil: no
// anchor) and the key that signs its head (nil: unsigned).
func (t *Target) AuditSeal(ctx context.Context, w audit.Witness, key ed25519.PrivateKey) (*audit.Seal, error) {
	s, err := audit.OpenSeal(ctx, t.pool, w, key)
	if err != nil {
		return nil, fmt.Errorf("open the audit anchor of %s: %w", t.where, err)
	}
	return s, nil
}

// BeginRun records a run, as StartRun does, together with its run.start
// entry (details), in one transaction, after s has checked the trail against
// its anchor: a run is never listed without its first entry, and a trail cut
// behind Sluice's back is not extended (an *audit.TamperError, and nothing is
// recorded).
func (t *Target) BeginRun(ctx context.Context, r Run, details map[string]any, s *audit.Seal) (int64, error) {
	// The run holds its lock from this transaction on (see lockedRun).
	id, err := t.lockedRun(ctx, func(tx pgx.Tx) (int64, error) {
		if err := s.Check(ctx, tx); err != nil {
			return 0, err
		}
		id, err := insertRun(ctx, tx, r)
		if err != nil {
			return 0, err
		}
		_, err = audit.Append(ctx, tx, audit.Entry{RunID: id, Operation: audit.OpRunStart, Details: details})
		return id, err
	})
	var tampered *audit.TamperError
	if errors.As(err, &tampered) {
		return 0, fmt.Errorf("refuse to start a %s run: %w; nothing was recorded (sluice audit verify shows the whole trail)", r.Command, err)
	}
	if err != nil {
		return 0, fmt.Errorf("start run of %s: %w", r.Command, err)
	}
	return id, nil
}

// EndRun records the end of run runID in one transaction: its run.end entry
// (details, with status and message), the signature of the run's head when s
// has a key, and its status in sluice.runs. The commit is synchronous, so the
// head is durable before s anchors it (a head the witness holds and a server
// crash lost would look like tampering). It returns the head anchored, zero
// when s has no witness; an error after the commit says the run's end is
// recorded but not anchored.
func (t *Target) EndRun(ctx context.Context, runID int64, status, message string, details map[string]any, s *audit.Seal) (audit.Head, error) {
	d := maps.Clone(details)
	if d == nil {
		d = map[string]any{}
	}
	d["status"], d["message"] = status, message
	var end audit.Entry
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) (err error) {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		if end, err = audit.Append(ctx, tx, audit.Entry{RunID: runID, Operation: audit.OpRunEnd, Details: d}); err != nil {
			return err
		}
		if err := s.SignRun(ctx, tx, runID); err != nil {
			return err
		}
		return updateRun(ctx, tx, runID, status, message)
	})
	t.releaseRun(runID) // once the end is recorded (see lockedRun)
	if err != nil {
		return audit.Head{}, fmt.Errorf("finish run %d as %s: %w", runID, status, err)
	}
	head, err := s.Anchor(ctx, t.pool, end.Seq)
	if err != nil {
		return audit.Head{}, fmt.Errorf("run %d ended (%s) and is recorded, but its audit head was not anchored: %w", runID, status, err)
	}
	return head, nil
}

// auditRuns reads sluice.runs for the cross-check with the trail.
func auditRuns(ctx context.Context, q pgx.Tx) ([]audit.Run, error) {
	rows, err := q.Query(ctx, "SELECT run_id, command, status FROM sluice.runs ORDER BY run_id")
	if err != nil {
		return nil, fmt.Errorf("read sluice.runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (audit.Run, error) {
		var r audit.Run
		err := row.Scan(&r.ID, &r.Command, &r.Status)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("read sluice.runs: %w", err)
	}
	return runs, nil
}
