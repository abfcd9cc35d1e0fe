package lineage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/target"
)

// tableState is what sluice.tables says of a table's current generation.
type tableState struct {
	schema, table string
	generation    int
	state         string
	planHash      string
}

// readTableState reads the row of table id in sluice.tables.
func readTableState(ctx context.Context, q Querier, id string) (*tableState, error) {
	if err := needRelation(ctx, q, "sluice.tables", target.ErrNoState); err != nil {
		return nil, err
	}
	var st tableState
	err := q.QueryRow(ctx, `SELECT target_schema, target_table, generation, state, coalesce(plan_hash, '')
		FROM sluice.tables WHERE id = $1`, id).Scan(&st.schema, &st.table, &st.generation, &st.state, &st.planHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &NotLoadedError{TableID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("read the state of %s: %w", id, err)
	}
	return &st, nil
}

// needRelation returns missing unless the relation exists.
func needRelation(ctx context.Context, q Querier, name string, missing error) error {
	var exists bool
	if err := q.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", name).Scan(&exists); err != nil {
		return fmt.Errorf("look for %s: %w", name, err)
	}
	if !exists {
		return missing
	}
	return nil
}

// readRun reads run id of sluice.runs; nil when it is not there.
func readRun(ctx context.Context, q Querier, id int64) (*Run, error) {
	r := Run{ID: id}
	err := q.QueryRow(ctx, `SELECT command, status, coalesce(message, ''), started_at, finished_at,
		coalesce(os_user, ''), coalesce(host, ''), coalesce(pid, 0), coalesce(sluice_version, '')
		FROM sluice.runs WHERE run_id = $1`, id).
		Scan(&r.Command, &r.Status, &r.Message, &r.StartedAt, &r.FinishedAt, &r.OSUser, &r.Host, &r.PID, &r.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	r.StartedAt = r.StartedAt.UTC()
	if r.FinishedAt != nil {
		t := r.FinishedAt.UTC()
		r.FinishedAt = &t
	}
	return &r, nil
}

// ledgerRow is one row of sluice.chunks with its bounds decoded.
type ledgerRow struct {
	Chunk
	after, last []any
}

// eachChunk streams the ledger of one table generation in chunk order.
func eachChunk(ctx context.Context, q Querier, id string, generation int, fn func(ledgerRow) bool) error {
	rows, err := q.Query(ctx, `SELECT chunk_no, coalesce(run_id, 0), coalesce(after_key, ''), coalesce(last_key, ''),
		rows_read, rows_loaded, rows_rejected, committed_at
		FROM sluice.chunks WHERE table_id = $1 AND generation = $2 ORDER BY chunk_no`, id, generation)
	if err != nil {
		return fmt.Errorf("read the ledger of %s generation %d: %w", id, generation, err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanChunk(rows, generation)
		if err != nil {
			return fmt.Errorf("read the ledger of %s generation %d: %w", id, generation, err)
		}
		if !fn(c) {
			return nil
		}
	}
	return rows.Err()
}

func scanChunk(rows pgx.Rows, generation int) (ledgerRow, error) {
	c := ledgerRow{Chunk: Chunk{Generation: generation}}
	var after, last string
	var committed time.Time
	if err := rows.Scan(&c.No, &c.RunID, &after, &last, &c.RowsRead, &c.RowsLoaded, &c.RowsRejected, &committed); err != nil {
		return c, err
	}
	c.CommittedAt = committed.UTC()
	var err error
	if c.after, err = target.DecodeKey(after); err != nil {
		return c, fmt.Errorf("chunk %d: %w", c.No, err)
	}
	if c.last, err = target.DecodeKey(last); err != nil {
		return c, fmt.Errorf("chunk %d: %w", c.No, err)
	}
	c.AfterKey, c.LastKey = keyText(c.after), keyText(c.last)
	return c, nil
}
