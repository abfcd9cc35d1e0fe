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

// Run is one invocation of a sluice command against this target. A session
// records Command to Version; the rest is filled when a run is read back.
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

func updateRun(ctx context.Context, tx pgx.Tx, runID int64, status, message string) error {
	tag, err := tx.Exec(ctx, `
		UPDATE sluice.runs SET status = $2, message = nullif($3, ''), finished_at = now()
		WHERE run_id = $1`, runID, status, escapeText(message))
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("no such run")
	}
	return err
}
