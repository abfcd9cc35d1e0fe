package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/audit"
)

// A run holds a session advisory lock named after its run_id for as long as
// its process lives, on a connection of its own (runSessions). A run still
// marked running whose lock nobody holds has lost its session: its process
// was killed or its connection dropped before it could record its end.

// runLockSQL is the key of the lock run $1 holds.
const runLockSQL = `hashtextextended('sluice.run:' || $1::bigint::text, 0)`

// runLockHeld is true, in SQL, while run r's session holds its lock in this
// database. pg_locks lists every database's advisory locks, and run ids
// repeat across databases, so the database is part of the test.
const runLockHeld = `EXISTS (SELECT 1 FROM pg_locks l
	WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
	  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	  AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('sluice.run:' || r.run_id::text, 0))`

// deadRunMessage is recorded for a run found without its session.
const deadRunMessage = "the run's session ended without recording how the run ended (the process was killed, or lost its connection to the target)"

// lockedRun runs insert (which records a run and returns its id) in a
// transaction on a session of its own that also takes the run's lock, and
// keeps that session for the run's life: no reader can see the run as
// running without its lock held.
func (t *Target) lockedRun(ctx context.Context, insert func(tx pgx.Tx) (int64, error)) (int64, error) {
	pc, err := t.pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	conn := pc.Hijack() // held for the run's life, outside the pool
	var id int64
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) (err error) {
		if id, err = insert(tx); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "SELECT pg_advisory_lock("+runLockSQL+")", id)
		return err
	})
	if err != nil {
		closeQuietly(conn)
		return 0, err
	}
	t.runsMu.Lock()
	if t.runSessions == nil {
		t.runSessions = map[int64]*pgx.Conn{}
	}
	t.runSessions[id] = conn
	t.runsMu.Unlock()
	return id, nil
}

// releaseRun ends the session that holds run id's lock, if this process
// started the run.
func (t *Target) releaseRun(id int64) {
	t.runsMu.Lock()
	conn := t.runSessions[id]
	delete(t.runSessions, id)
	t.runsMu.Unlock()
	if conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), lockReleaseWait)
		defer cancel()
		_, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock("+runLockSQL+")", id)
		closeQuietly(conn)
	}
}

// MarkDeadRuns records as interrupted every run still marked running whose
// session is gone, and returns how many it found. Every command that reads
// or starts runs calls it, so a killed run does not stay "running". Each
// dead run gets the run.end entry its process could not write, in the same
// transaction as its status, so the trail and sluice.runs keep agreeing
// (audit verify cross-checks them) and the next command's signed head
// covers the entry.
func (t *Target) MarkDeadRuns(ctx context.Context) (int64, error) {
	var n int64
	err := t.do(ctx, func() error {
		n = 0
		return pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
			rows, _ := tx.Query(ctx, `SELECT run_id FROM sluice.runs r
				WHERE r.status = 'running' AND NOT `+runLockHeld+` ORDER BY run_id FOR UPDATE OF r`)
			dead, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			for _, id := range dead {
				if err := endDeadRun(ctx, tx, id); err != nil {
					return err
				}
			}
			n = int64(len(dead))
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("mark the dead runs of %s interrupted: %w", t.where, err)
	}
	return n, nil
}

// endDeadRun records run id as interrupted, with its run.end entry.
func endDeadRun(ctx context.Context, tx pgx.Tx, id int64) error {
	if _, err := tx.Exec(ctx, `UPDATE sluice.runs SET status = 'interrupted', finished_at = now(),
		message = coalesce(message || '; ', '') || $2 WHERE run_id = $1`, id, deadRunMessage); err != nil {
		return err
	}
	_, err := audit.Append(ctx, tx, audit.Entry{RunID: id, Operation: audit.OpRunEnd,
		Details: map[string]any{"status": "interrupted", "message": deadRunMessage, "recorded_by": "a later command"}})
	return err
}
