package target

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNoState says that the target has no state schema: sluice never ran
// against it.
var ErrNoState = errors.New("no sluice state in this database (no migration has run against it)")

// RunInfo and TableStatus are the names the status command reads these
// types by.
type (
	RunInfo     = Run
	TableStatus = TableState
)

// Status is what `sluice status` shows: the latest run, every table, and the
// rejects stored per table in its current generation.
type Status struct {
	Run     *Run // the latest run; nil when none
	Tables  []TableState
	Rejects map[string]int64 // table ID -> rejects stored in its current generation
	// Failures are the indexes and views that could not be created.
	Failures []ObjectFailure
}

// Status reads the latest run, every table row and the reject counts. A
// target without the state schema is ErrNoState.
func (t *Target) Status(ctx context.Context) (*Status, error) {
	s := &Status{Rejects: map[string]int64{}}
	err := pgx.BeginTxFunc(ctx, t.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead},
		func(tx pgx.Tx) error { return readStatus(ctx, tx, s) })
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "3F000" || pgErr.Code == "42P01") {
		err = ErrNoState
	}
	if err != nil {
		return nil, fmt.Errorf("read status of %s: %w", t.where, err)
	}
	return s, nil
}

// readStatus reads in one snapshot, so that the counts agree with each other.
func readStatus(ctx context.Context, tx pgx.Tx, s *Status) (err error) {
	if s.Run, err = latestRun(ctx, tx); err != nil {
		return err
	}
	rows, _ := tx.Query(ctx, "SELECT "+tableColumns+" FROM sluice.tables ORDER BY id")
	s.Tables, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (TableState, error) {
		st, err := scanTable(row)
		return *st, err
	})
	if err != nil {
		return fmt.Errorf("read tables: %w", err)
	}
	if s.Failures, err = objectFailures(ctx, tx); err != nil {
		return err
	}
	return countRejects(ctx, tx, s.Rejects)
}

func latestRun(ctx context.Context, tx pgx.Tx) (*Run, error) {
	var r Run
	err := tx.QueryRow(ctx, `
		SELECT run_id, command, status, coalesce(message, ''), coalesce(config_hash, ''), coalesce(host, ''),
			coalesce(os_user, ''), coalesce(pid, 0), coalesce(sluice_version, ''), started_at, finished_at
		FROM sluice.runs ORDER BY run_id DESC LIMIT 1`).Scan(&r.ID, &r.Command, &r.Status, &r.Message,
		&r.ConfigHash, &r.Host, &r.OSUser, &r.PID, &r.Version, &r.StartedAt, &r.FinishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read latest run: %w", err)
	}
	return &r, nil
}

func countRejects(ctx context.Context, tx pgx.Tx, into map[string]int64) error {
	rows, _ := tx.Query(ctx, `
		SELECT r.table_id, count(*) FROM sluice.rejects r
		JOIN sluice.tables t ON t.id = r.table_id AND t.generation = r.generation
		GROUP BY r.table_id`)
	var id string
	var n int64
	_, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		into[id] = n
		return nil
	})
	if err != nil {
		return fmt.Errorf("count rejects: %w", err)
	}
	return nil
}
