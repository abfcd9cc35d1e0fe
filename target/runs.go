package target

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/jackc/pgx/v5"
)

// Run statuses, as sluice.runs.status accepts them.
const (
	RunRunning     = "running"
	RunOK          = "ok"
	RunFailed      = "failed"
	RunInterrupted = "interrupted"
	RunRejected    = "rejected" // more rows rejected than allowed
	RunInvalid     = "invalid"  // counts did not reconcile
)

// Run is one invocation of a sluice command against this target. StartRun
// reads Command to Version; the rest is filled when a run is read back.
type Run struct {
	Command    string // "migrate", "verify", ...
	ConfigHash string
	Host       string
	OSUser     string
	PID        int
	Version    string // the sluice version

	ID         int64
	Status     string
	Message    string
	StartedAt  time.Time
	FinishedAt *time.Time // nil while running
}

// NewRun describes a run of command by this process: its host, OS user and
// pid, for sluice.runs.
func NewRun(command, configHash, version string) Run {
	r := Run{Command: command, ConfigHash: configHash, Version: version, PID: os.Getpid()}
	r.Host, _ = os.Hostname()
	if u, err := user.Current(); err == nil {
		r.OSUser = u.Username
	}
	return r
}

// StartRun records a run with status running and returns its run_id. The
// run holds a lock of its own on a session of its own until FinishRun (or
// the process's end), which is how MarkDeadRuns tells a run that is still
// going from one whose process died.
func (t *Target) StartRun(ctx context.Context, r Run) (int64, error) {
	id, err := t.lockedRun(ctx, func(tx pgx.Tx) (int64, error) { return insertRun(ctx, tx, r) })
	if err != nil {
		return 0, fmt.Errorf("start run of %s: %w", r.Command, err)
	}
	return id, nil
}

func insertRun(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, r Run) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `
		INSERT INTO sluice.runs (command, status, config_hash, host, os_user, pid, sluice_version)
		VALUES ($1, 'running', $2, $3, $4, $5, $6) RETURNING run_id`,
		r.Command, r.ConfigHash, r.Host, r.OSUser, r.PID, r.Version).Scan(&id)
	return id, err
}

// FinishRun records how run runID ended.
func (t *Target) FinishRun(ctx context.Context, runID int64, status, message string) error {
	// A synchronous commit waits for the WAL flush that makes every chunk
	// committed before it durable too (see tuneSession).
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		return updateRun(ctx, tx, runID, status, message)
	})
	// The lock goes only once the end is recorded: a reader never sees
	// the run as running without its lock.
	t.releaseRun(runID)
	if err != nil {
		return fmt.Errorf("finish run %d as %s: %w", runID, status, err)
	}
	return nil
}

func updateRun(ctx context.Context, tx pgx.Tx, runID int64, status, message string) error {
	tag, err := tx.Exec(ctx, `
		UPDATE sluice.runs SET status = $2, message = nullif($3, ''), finished_at = now()
		WHERE run_id = $1`, runID, status, escapeText(message))
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("no such run")
	}
	return err
}
