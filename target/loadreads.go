package target

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The read models below are what verify and trace (package lineage) read of
// the state schema: which generation of a table is current, its ledger, its
// rejects and the run that loaded it. They read a state schema an older
// sluice wrote as it is (StateTables says what it has); none of them
// creates or upgrades it.

// StateTables says which tables of the state schema exist in the target.
type StateTables struct {
	Tables     bool // sluice.tables
	Rejects    bool // sluice.rejects
	LegacyKeys bool // sluice.legacy_keys (state schema 5)
	Audit      bool // sluice.audit
}

// StateTables looks for the state schema's tables that readers need.
func (t *Target) StateTables(ctx context.Context) (StateTables, error) {
	var s StateTables
	err := t.pool.QueryRow(ctx, `SELECT to_regclass('sluice.tables') IS NOT NULL, to_regclass('sluice.rejects') IS NOT NULL,
		to_regclass('sluice.legacy_keys') IS NOT NULL, to_regclass('sluice.audit') IS NOT NULL`).
		Scan(&s.Tables, &s.Rejects, &s.LegacyKeys, &s.Audit)
	if err != nil {
		return s, fmt.Errorf("look for the state schema on %s: %w", t.where, err)
	}
	return s, nil
}

// Load is what sluice.tables says of a table's current generation.
type Load struct {
	TargetSchema, TargetTable string
	Generation                int
	State                     string
	PlanHash                  string // "" when not recorded
}

// CurrentLoad reads the current generation of table id; nil when
// sluice.tables has no row for it.
func (t *Target) CurrentLoad(ctx context.Context, id string) (*Load, error) {
	var l Load
	err := t.pool.QueryRow(ctx, `SELECT target_schema, target_table, generation, state, coalesce(plan_hash, '')
		FROM sluice.tables WHERE id = $1`, id).Scan(&l.TargetSchema, &l.TargetTable, &l.Generation, &l.State, &l.PlanHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the state of %s: %w", id, err)
	}
	return &l, nil
}

// RunRecord reads run id of sluice.runs as recorded; nil when it is not
// there.
func (t *Target) RunRecord(ctx context.Context, id int64) (*Run, error) {
	r := Run{ID: id}
	err := t.pool.QueryRow(ctx, `SELECT command, status, coalesce(message, ''), coalesce(config_hash, ''),
		started_at, finished_at, coalesce(os_user, ''), coalesce(host, ''), coalesce(pid, 0), coalesce(sluice_version, '')
		FROM sluice.runs WHERE run_id = $1`, id).
		Scan(&r.Command, &r.Status, &r.Message, &r.ConfigHash, &r.StartedAt, &r.FinishedAt, &r.OSUser, &r.Host, &r.PID, &r.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	return &r, nil
}

// LedgerChunk is one committed chunk of sluice.chunks, its bounds as
// stored (DecodeKey reads them).
type LedgerChunk struct {
	No                                 int
	RunID                              int64
	AfterKey, LastKey                  string
	RowsRead, RowsLoaded, RowsRejected int
	CommittedAt                        time.Time
}

// EachChunk streams the ledger of one table generation in chunk order to
// fn, until fn returns false.
func (t *Target) EachChunk(ctx context.Context, id string, generation int, fn func(LedgerChunk) (bool, error)) error {
	rows, err := t.pool.Query(ctx, `SELECT chunk_no, coalesce(run_id, 0), coalesce(after_key, ''), coalesce(last_key, ''),
		rows_read, rows_loaded, rows_rejected, committed_at
		FROM sluice.chunks WHERE table_id = $1 AND generation = $2 ORDER BY chunk_no`, id, generation)
	if err != nil {
		return fmt.Errorf("read the ledger of %s generation %d: %w", id, generation, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c LedgerChunk
		if err := rows.Scan(&c.No, &c.RunID, &c.AfterKey, &c.LastKey, &c.RowsRead, &c.RowsLoaded, &c.RowsRejected, &c.CommittedAt); err != nil {
			return fmt.Errorf("read the ledger of %s generation %d: %w", id, generation, err)
		}
		more, err := fn(c)
		if err != nil || !more {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the ledger of %s generation %d: %w", id, generation, err)
	}
	return nil
}

// RejectCount counts the rejects stored for a table generation.
func (t *Target) RejectCount(ctx context.Context, id string, generation int) (int64, error) {
	var n int64
	err := t.pool.QueryRow(ctx, `SELECT count(*) FROM sluice.rejects WHERE table_id = $1 AND generation = $2`, id, generation).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the rejects of %s: %w", id, err)
	}
	return n, nil
}

// RejectedKeys returns which of keys (row keys, as a reject records them)
// have a reject stored in a table generation.
func (t *Target) RejectedKeys(ctx context.Context, id string, generation int, keys []string) ([]string, error) {
	rows, _ := t.pool.Query(ctx, `SELECT DISTINCT row_key FROM sluice.rejects
		WHERE table_id = $1 AND generation = $2 AND row_key = ANY($3)`, id, generation, keys)
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("look up the rejects of %s: %w", id, err)
	}
	return found, nil
}

// RowReject is one reject of a table generation, as a reader of a row's
// history shows it.
type RowReject struct {
	ID         int64
	RunID      int64
	ChunkNo    int
	Key        string
	Column     string
	Raw        *string // readable text of the value; nil when it was NULL
	Reason     string
	RejectedAt time.Time
}

// EachReject streams the rejects of a table generation, in the order they
// were stored, to fn; only those of row key *key when key is not nil.
func (t *Target) EachReject(ctx context.Context, id string, generation int, key *string, fn func(RowReject)) error {
	rows, err := t.pool.Query(ctx, `SELECT reject_id, coalesce(run_id, 0), chunk_no, coalesce(row_key, ''), coalesce(column_name, ''),
		CASE WHEN raw_text IS NULL AND raw_bytes IS NULL THEN NULL ELSE coalesce(raw_text, '') END, reason, rejected_at
		FROM sluice.rejects WHERE table_id = $1 AND generation = $2 AND ($3::text IS NULL OR row_key = $3)
		ORDER BY reject_id`, id, generation, key)
	if err != nil {
		return fmt.Errorf("read the rejects of %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r RowReject
		if err := rows.Scan(&r.ID, &r.RunID, &r.ChunkNo, &r.Key, &r.Column, &r.Raw, &r.Reason, &r.RejectedAt); err != nil {
			return fmt.Errorf("read the rejects of %s: %w", id, err)
		}
		fn(r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the rejects of %s: %w", id, err)
	}
	return nil
}
