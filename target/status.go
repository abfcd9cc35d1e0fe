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
	Retired []TableState     // tables the config no longer plans (see RetireTables)
	Rejects map[string]int64 // table ID -> rejects stored in its current generation
	// Failures are the indexes and views that could not be created.
	Failures []ObjectFailure
}

// Status reads the latest run, every table row and the reject counts. A
// target without the state schema is ErrNoState.
func (t *Target) Status(ctx context.Context) (*Status, error) {
	s := &Status{Rejects: map[string]int64{}}
	// Best effort: a reader without write access still sees a dead run as
	// interrupted (latestRun), it only cannot record it.
	_, _ = t.MarkDeadRuns(ctx)
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

// readStatus reads in one snapshot, so that the counts agree with each
// other. A state schema an older sluice wrote is read as it is: status,
// serve and metrics do not upgrade it, only a migrate does.
func readStatus(ctx context.Context, tx pgx.Tx, s *Status) (err error) {
	if s.Run, err = latestRun(ctx, tx); err != nil {
		return err
	}
	var version int
	if err := tx.QueryRow(ctx, "SELECT schema_version FROM sluice.meta").Scan(&version); err != nil {
		return fmt.Errorf("read the state schema version: %w", err)
	}
	if err := readTables(ctx, tx, version, s); err != nil {
		return err
	}
	if version >= 7 {
		if s.Failures, err = objectFailures(ctx, tx); err != nil {
			return err
		}
	}
	return countRejects(ctx, tx, s.Rejects)
}

// readTables reads every table, the retired ones apart.
func readTables(ctx context.Context, tx pgx.Tx, version int, s *Status) error {
	cols := tableColumns
	if version < 8 {
		cols = tableColumnsBefore8
	}
	rows, _ := tx.Query(ctx, "SELECT "+cols+" FROM sluice.tables ORDER BY id")
	all, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (TableState, error) {
		st, err := scanTable(row)
		return *st, err
	})
	if err != nil {
		return fmt.Errorf("read tables: %w", err)
	}
	for _, st := range all {
		if st.RetiredAt != nil {
			s.Retired = append(s.Retired, st)
		} else {
			s.Tables = append(s.Tables, st)
		}
	}
	return nil
}

func latestRun(ctx context.Context, tx pgx.Tx) (*Run, error) {
	runs, err := readRuns(ctx, tx, 1, 0)
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	return &runs[0], nil
}

// runColumns read a run; a run marked running whose session is gone reads
// as interrupted, also where MarkDeadRuns could not record it.
const runColumns = `r.run_id, r.command,
	CASE WHEN r.status = 'running' AND NOT ` + runLockHeld + ` THEN 'interrupted' ELSE r.status END,
	coalesce(r.message, ''), coalesce(r.config_hash, ''), coalesce(r.host, ''),
	coalesce(r.os_user, ''), coalesce(r.pid, 0), coalesce(r.sluice_version, ''), r.started_at, r.finished_at`

// readRuns reads up to limit runs, newest first, skipping offset.
func readRuns(ctx context.Context, q querier, limit, offset int) ([]Run, error) {
	rows, _ := q.Query(ctx, "SELECT "+runColumns+" FROM sluice.runs r ORDER BY r.run_id DESC LIMIT $1 OFFSET $2", limit, offset)
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) {
		var r Run
		err := row.Scan(&r.ID, &r.Command, &r.Status, &r.Message, &r.ConfigHash, &r.Host,
			&r.OSUser, &r.PID, &r.Version, &r.StartedAt, &r.FinishedAt)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	return runs, nil
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
