package target

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ObjectFailure is an index or a view that could not be created: the data
// is loaded, but the object is missing until a run creates it.
type ObjectFailure struct {
	Schema    string
	Kind      string // "index" or "view"
	Name      string
	TableID   string // the source table whose index it is; "" for a view
	Statement string
	Reason    string
	RunID     int64
	FailedAt  time.Time
}

// RecordObjectFailure keeps the latest failure of an object.
func (t *Target) RecordObjectFailure(ctx context.Context, f ObjectFailure) error {
	_, err := t.exec(ctx, `INSERT INTO sluice.object_failures
		(target_schema, kind, name, table_id, statement, reason, run_id) VALUES ($1, $2, $3, nullif($4, ''), $5, $6, $7)
		ON CONFLICT (target_schema, kind, name) DO UPDATE SET table_id = EXCLUDED.table_id,
		statement = EXCLUDED.statement, reason = EXCLUDED.reason, run_id = EXCLUDED.run_id, failed_at = now()`,
		f.Schema, f.Kind, f.Name, f.TableID, f.Statement, f.Reason, f.RunID)
	if err != nil {
		return fmt.Errorf("record the failure of %s %s: %w", f.Kind, f.Name, err)
	}
	return nil
}

// ClearObjectFailure forgets the failure of an object that now exists.
func (t *Target) ClearObjectFailure(ctx context.Context, schema, kind, name string) error {
	_, err := t.exec(ctx, `DELETE FROM sluice.object_failures WHERE target_schema = $1 AND kind = $2 AND name = $3`,
		schema, kind, name)
	if err != nil {
		return fmt.Errorf("clear the failure of %s %s: %w", kind, name, err)
	}
	return nil
}

// ObjectFailures lists the objects that could not be created.
func (t *Target) ObjectFailures(ctx context.Context) ([]ObjectFailure, error) {
	fs, err := objectFailures(ctx, t.pool)
	if err != nil {
		return nil, fmt.Errorf("read object failures of %s: %w", t.where, err)
	}
	return fs, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func objectFailures(ctx context.Context, q querier) ([]ObjectFailure, error) {
	rows, _ := q.Query(ctx, `SELECT target_schema, kind, name, coalesce(table_id, ''), statement, reason,
		coalesce(run_id, 0), failed_at FROM sluice.object_failures ORDER BY target_schema, kind, name`)
	fs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ObjectFailure, error) {
		var f ObjectFailure
		err := r.Scan(&f.Schema, &f.Kind, &f.Name, &f.TableID, &f.Statement, &f.Reason, &f.RunID, &f.FailedAt)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("read object failures: %w", err)
	}
	return fs, nil
}

// ObjectError reports whether err is the target refusing one statement for
// a reason that concerns that statement only (its SQL, the data it meets,
// a limit of the server) rather than the connection or the server's state:
// such a failure fails only the object the statement creates.
func ObjectError(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || len(pgErr.Code) < 2 {
		return false
	}
	switch pgErr.Code[:2] {
	case "08", "40", "53", "57", "58", "XX": // connection, transaction rollback, resources, operator, system, internal
		return false
	}
	return true
}

// ForgetObjectFailures deletes the recorded failures in schema of objects
// the plan no longer has (keep lists the planned ones as "kind name"): an
// index the config dropped since is no longer missing.
func (t *Target) ForgetObjectFailures(ctx context.Context, schema string, keep []string) error {
	_, err := t.exec(ctx, `DELETE FROM sluice.object_failures
		WHERE target_schema = $1 AND NOT (kind || ' ' || name = ANY($2))`, schema, keep)
	if err != nil {
		return fmt.Errorf("forget failures of objects no longer planned: %w", err)
	}
	return nil
}

// HasPostGIS reports whether the target database can have the postgis
// extension: it is installed in it, or available to install.
func (t *Target) HasPostGIS(ctx context.Context) (bool, error) {
	var ok bool
	err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')`).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look for PostGIS on %s: %w", t.where, err)
	}
	return ok, nil
}
