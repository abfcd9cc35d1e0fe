package target

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/retry"
)

// A connection to the target can break at any moment. Reads and idempotent
// statements are simply tried again; a transaction is tried again as a
// whole, after finding out on a fresh connection whether the try before it
// committed: the ledger row of a chunk, the state a table moved to, the
// audit entry of an operation. So a chunk or an entry is never written twice
// and never lost.

// do runs fn through the target's retry policy; fn must be safe to run
// again.
func (t *Target) do(ctx context.Context, fn func() error) error {
	return retry.Do(ctx, t.retry, t.where, t.notify, fn)
}

// doOnce runs the transaction tx through the retry policy. Before each try
// after the first, done says whether an earlier try committed after all
// (its connection broke before the answer came); then tx is not run again.
func (t *Target) doOnce(ctx context.Context, done func() (bool, error), tx func() error) error {
	tries := 0
	return t.do(ctx, func() error {
		tries++
		if tries > 1 {
			if ok, err := done(); err != nil || ok {
				return err
			}
		}
		return tx()
	})
}

// appendOnce appends e in a transaction of its own (write appends it and may
// do more in the same transaction), retried without appending it twice: the
// first try reads the trail's last seq, and each further try first looks for
// e after it. It returns the entry's seq.
func (t *Target) appendOnce(ctx context.Context, e audit.Entry, write func(tx pgx.Tx, e audit.Entry) (audit.Entry, error)) (int64, error) {
	after, seq := int64(-1), int64(0)
	err := t.do(ctx, func() error {
		if after >= 0 {
			s, found, err := audit.Appended(ctx, t.pool, after, e)
			if err != nil || found {
				seq = s
				return err
			}
		} else {
			last, err := audit.LastSeq(ctx, t.pool)
			if err != nil {
				return err
			}
			after = last
		}
		return pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
			stored, err := write(tx, e)
			seq = stored.Seq
			return err
		})
	})
	return seq, err
}

// existsAlready reports the error of a DDL statement whose object exists: on
// a retry, the try before it committed.
func existsAlready(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "42710" || pg.Code == "42P07") // duplicate_object, duplicate_table
}

// catalogRace reports a CREATE ... IF NOT EXISTS that lost a race with
// another session creating the same object (the session of a killed run, or
// of a connection that broke, still building it): both passed the IF NOT
// EXISTS check, and the second to commit meets the first's catalog row.
// Once that session has ended, the same statement again finds the object,
// or builds it if that session did not commit.
func catalogRace(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505" && strings.HasPrefix(pg.ConstraintName, "pg_")
}

// queryRow is pool.QueryRow through the retry policy: the query runs again,
// on a fresh connection, when a try fails with a transient error. Only for
// reads and statements that do the same when run twice.
func (t *Target) queryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return retriedRow{t: t, ctx: ctx, sql: sql, args: args}
}

type retriedRow struct {
	t    *Target
	ctx  context.Context
	sql  string
	args []any
}

func (r retriedRow) Scan(dest ...any) error {
	return r.t.do(r.ctx, func() error { return r.t.pool.QueryRow(r.ctx, r.sql, r.args...).Scan(dest...) })
}

// exec is pool.Exec through the retry policy, for statements that do the
// same when run twice (an upsert, a delete, an update to fixed values).
func (t *Target) exec(ctx context.Context, sql string, args ...any) (tag pgconn.CommandTag, err error) {
	err = t.do(ctx, func() error {
		tag, err = t.pool.Exec(ctx, sql, args...)
		return err
	})
	return tag, err
}
