package target

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Table states, as sluice.tables.state accepts them.
const (
	StatePending = "pending"
	StateLoading = "loading"
	StateLoaded  = "loaded"
	StateIndexed = "indexed"
	StateDone    = "done"
	StateFailed  = "failed"
)

// TableState is the row of sluice.tables for one source table. Generation
// counts fresh starts of the table: a new generation (the target table was
// recreated or truncated) makes the ledger and the counters start again.
type TableState struct {
	ID              string // "<source>.<table>"
	Source          string
	SourceTable     string
	TargetSchema    string
	TargetTable     string
	Generation      int
	State           string // a State* constant; BeginTable defaults it to pending
	Strategy        string
	RowsSource      *int64 // nil until the source rows are counted
	RowsFiltered    int64
	RowsRead        int64
	RowsLoaded      int64
	RowsRejected    int64
	RowsInserted    int64 // of RowsLoaded: new rows (every row loaded by a plain COPY)
	RowsUpdated     int64 // of RowsLoaded: rows a merge rewrote because they changed
	RowsUnchanged   int64 // of RowsLoaded: rows a merge found as they were, and did not write
	RowsDeleted     int64 // rows DeleteMissing removed because their source row is gone
	Conflicts       int64 // disagreements queued (new or reopened) in sluice.conflicts
	ChunksDone      int
	ChunksEstimated int
	RowsEstimated   int64
	RunID           int64 // the run that last wrote the row
	StartedAt       time.Time
	UpdatedAt       time.Time
	FinishedAt      *time.Time
	Message         string
	PlanHash        string // the mapping this generation loads with (plan.Table.Hash)
	// RetiredAt is when a migrate found the table no longer in the config
	// (renamed or removed); nil while it is.
	RetiredAt *time.Time
	// Created tells BeginTable that its prepare statements create the
	// target table: it records Sluice as the table's creator in the same
	// transaction (see DropCreated). It is not read back.
	Created bool
}

const tableColumns = `id, source, source_table, target_schema, target_table, generation, state,
	coalesce(strategy, ''), rows_source, rows_filtered, rows_read, rows_loaded, rows_rejected,
	chunks_done, coalesce(chunks_estimated, 0), coalesce(rows_estimated, 0), coalesce(run_id, 0),
	started_at, updated_at, finished_at, coalesce(message, ''), coalesce(plan_hash, ''),
	rows_inserted, rows_updated, rows_unchanged, rows_deleted, conflicts, retired_at`

// tableColumnsBefore8 reads a state schema a sluice before version 8
// wrote, which readers (status, serve, metrics) do not upgrade.
var tableColumnsBefore8 = strings.Replace(tableColumns, "retired_at", "NULL::timestamptz AS retired_at", 1)

func scanTable(row pgx.Row) (*TableState, error) {
	var s TableState
	err := row.Scan(&s.ID, &s.Source, &s.SourceTable, &s.TargetSchema, &s.TargetTable, &s.Generation,
		&s.State, &s.Strategy, &s.RowsSource, &s.RowsFiltered, &s.RowsRead, &s.RowsLoaded,
		&s.RowsRejected, &s.ChunksDone, &s.ChunksEstimated, &s.RowsEstimated, &s.RunID,
		&s.StartedAt, &s.UpdatedAt, &s.FinishedAt, &s.Message, &s.PlanHash,
		&s.RowsInserted, &s.RowsUpdated, &s.RowsUnchanged, &s.RowsDeleted, &s.Conflicts, &s.RetiredAt)
	return &s, err
}

// TableState returns the state of table id, or nil when it has none.
func (t *Target) TableState(ctx context.Context, id string) (*TableState, error) {
	s, err := scanTable(t.queryRow(ctx, "SELECT "+tableColumns+" FROM sluice.tables WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state of %s: %w", id, err)
	}
	return s, nil
}

// BeginTable creates or updates the row for s.ID from s's names, state,
// strategy, estimates, run and message. When s.Generation differs from the
// stored one, the counters, the source count and started_at start again;
// otherwise they are kept, so a resumed table keeps counting.
//
// The statements in prepare (creating or emptying the target table) run in
// the same transaction: a new generation is recorded exactly when its table
// was made ready for it, so a kill in between can leave neither an emptied
// table recorded as finished nor a recorded generation over old rows.
func (t *Target) BeginTable(ctx context.Context, s TableState, prepare ...string) error {
	if s.State == "" {
		s.State = StatePending
	}
	// Tried again after a transient error: the chunks come after it, so
	// preparing the table again changes nothing, and the upsert keeps the
	// generation's counters.
	err := t.do(ctx, func() error {
		return pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
			for _, stmt := range prepare {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("execute %q: %w", firstLine(stmt), err)
				}
			}
			if s.Created {
				if err := recordCreated(ctx, tx, s); err != nil {
					return err
				}
			}
			return upsertTable(ctx, tx, s)
		})
	})
	if err != nil {
		return fmt.Errorf("begin table %s generation %d: %w", s.ID, s.Generation, err)
	}
	return nil
}

func upsertTable(ctx context.Context, tx pgx.Tx, s TableState) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO sluice.tables AS t (id, source, source_table, target_schema, target_table,
			generation, state, strategy, chunks_estimated, rows_estimated, run_id, message, plan_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, ''), $9, $10, nullif($11::bigint, 0), nullif($12, ''), nullif($13, ''))
		ON CONFLICT (id) DO UPDATE SET
			source = EXCLUDED.source, source_table = EXCLUDED.source_table,
			target_schema = EXCLUDED.target_schema, target_table = EXCLUDED.target_table,
			generation = EXCLUDED.generation, state = EXCLUDED.state, strategy = EXCLUDED.strategy,
			chunks_estimated = EXCLUDED.chunks_estimated, rows_estimated = EXCLUDED.rows_estimated,
			run_id = EXCLUDED.run_id, message = EXCLUDED.message, plan_hash = EXCLUDED.plan_hash,
			updated_at = now(), finished_at = NULL, retired_at = NULL,
			rows_source   = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_source END,
			rows_filtered = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_filtered ELSE 0 END,
			rows_read     = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_read ELSE 0 END,
			rows_loaded   = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_loaded ELSE 0 END,
			rows_rejected = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_rejected ELSE 0 END,
			rows_inserted  = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_inserted ELSE 0 END,
			rows_updated   = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_updated ELSE 0 END,
			rows_unchanged = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_unchanged ELSE 0 END,
			rows_deleted   = CASE WHEN t.generation = EXCLUDED.generation THEN t.rows_deleted ELSE 0 END,
			conflicts      = CASE WHEN t.generation = EXCLUDED.generation THEN t.conflicts ELSE 0 END,
			missing_deleted_at = CASE WHEN t.generation = EXCLUDED.generation THEN t.missing_deleted_at END,
			chunks_done   = CASE WHEN t.generation = EXCLUDED.generation THEN t.chunks_done ELSE 0 END,
			started_at    = CASE WHEN t.generation = EXCLUDED.generation THEN t.started_at ELSE now() END`,
		s.ID, s.Source, s.SourceTable, s.TargetSchema, s.TargetTable, s.Generation, s.State,
		s.Strategy, s.ChunksEstimated, s.RowsEstimated, s.RunID, escapeText(s.Message), s.PlanHash)
	return err
}

// SetTableState moves table id to state with message. Done and failed set
// finished_at. It fails when generation is no longer the table's current one.
func (t *Target) SetTableState(ctx context.Context, id string, generation int, state, message string) error {
	err := t.updateTable(ctx, id, generation, `state = $3, message = nullif($4, ''),
		finished_at = CASE WHEN $3 IN ('done', 'failed') THEN now() END`, state, escapeText(message))
	if err != nil {
		return fmt.Errorf("set state of %s to %s: %w", id, state, err)
	}
	return nil
}

// SetSourceRows records the source's row count and how many of those rows the
// config's filter leaves out.
func (t *Target) SetSourceRows(ctx context.Context, id string, generation int, rows, filtered int64) error {
	err := t.updateTable(ctx, id, generation, "rows_source = $3, rows_filtered = $4", rows, filtered)
	if err != nil {
		return fmt.Errorf("record source rows of %s: %w", id, err)
	}
	return nil
}

// updateTable applies set (which numbers its arguments from $3) to the row of
// id in generation.
func (t *Target) updateTable(ctx context.Context, id string, generation int, set string, args ...any) error {
	var tag pgconn.CommandTag
	err := t.do(ctx, func() (err error) { // the same UPDATE again changes nothing more
		tag, err = t.pool.Exec(ctx, "UPDATE sluice.tables SET "+set+", updated_at = now() WHERE id = $1 AND generation = $2",
			append([]any{id, generation}, args...)...)
		return err
	})
	if err == nil && tag.RowsAffected() == 0 {
		err = staleGeneration(id, generation)
	}
	return err
}

func staleGeneration(id string, generation int) error {
	return fmt.Errorf("table %s has no state in generation %d (not begun, or a newer generation started)", id, generation)
}

// RetireTables marks retired every table not in current (the IDs the
// config now plans into this database), and returns the IDs it retired. A
// retired table reappears when a later config plans it again.
func (t *Target) RetireTables(ctx context.Context, current []string) ([]string, error) {
	rows, _ := t.pool.Query(ctx, `UPDATE sluice.tables SET retired_at = now()
		WHERE retired_at IS NULL AND NOT (id = ANY($1)) RETURNING id`, current)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("retire the tables no longer planned on %s: %w", t.where, err)
	}
	return ids, nil
}
