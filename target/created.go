package target

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice/audit"
)

// createdSchema records the target tables Sluice created, each in the
// transaction that created it (see BeginTable): rollback --drop-target drops
// these and no other. A table that was there before and that Sluice only
// loaded (empty, with the planned columns) is not one of them.
const createdSchema = `CREATE TABLE sluice.created_tables (
	target_schema text NOT NULL,
	target_table text NOT NULL,
	run_id bigint,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (target_schema, target_table)
);`

func recordCreated(ctx context.Context, tx pgx.Tx, s TableState) error {
	_, err := tx.Exec(ctx, `INSERT INTO sluice.created_tables (target_schema, target_table, run_id)
		VALUES ($1, $2, nullif($3::bigint, 0))
		ON CONFLICT (target_schema, target_table) DO UPDATE SET run_id = EXCLUDED.run_id, created_at = now()`,
		s.TargetSchema, s.TargetTable, s.RunID)
	if err != nil {
		return fmt.Errorf("record %s.%s as created by Sluice: %w", s.TargetSchema, s.TargetTable, err)
	}
	return nil
}

// TargetDrop is what DropCreated removed from the target.
type TargetDrop struct {
	Schema string
	Tables []string // the tables Sluice created, dropped
	Kept   []string // tables Sluice loaded but did not create, left in place
}

// DropCreated drops, in one transaction with its audit entry, the tables of
// schema that Sluice created (after the statements in first, which drop
// the plan's views), and forgets their load state (sluice.tables, the chunk
// ledger, legacy keys, conflicts, object failures, stream counts), so that
// a later migrate starts afresh. The audit trail, the runs, the rejects and
// the verification results stay: they are the record of what happened.
// Nothing is dropped with CASCADE: an object Sluice did not create that
// depends on one of the tables (a view, a foreign key) makes it fail whole.
func (t *Target) DropCreated(ctx context.Context, runID int64, schema string, first []string) (TargetDrop, error) {
	d := TargetDrop{Schema: schema}
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		var err error
		if d.Tables, d.Kept, err = createdTables(ctx, tx, schema); err != nil {
			return err
		}
		for _, stmt := range append(first, dropTables(schema, d.Tables)...) {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("execute %q: %w%s", firstLine(stmt), err, dependents(err))
			}
		}
		if err := forgetTables(ctx, tx, schema, d.Tables); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Entry{RunID: runID, Operation: audit.OpTargetDrop, Details: map[string]any{
			"schema": schema, "dropped": d.Tables, "kept": d.Kept,
			"state kept": "sluice.audit, sluice.runs, sluice.rejects, sluice.verify_results"}})
		return err
	})
	if err != nil {
		return TargetDrop{}, fmt.Errorf("drop the tables Sluice created in %s on %s: %w", schema, t.where, err)
	}
	return d, nil
}

// dependents names the objects that stop a drop (PostgreSQL lists them in
// the error's detail), and what to do.
func dependents(err error) string {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || pg.Code != "2BP01" { // dependent_objects_still_exist
		return ""
	}
	return "\n" + pg.Detail + "\nThese objects are not Sluice's, and nothing was dropped: drop or change them first"
}

// createdTables lists the existing tables of schema that Sluice created,
// and those it loaded (sluice.tables) without creating them.
func createdTables(ctx context.Context, tx pgx.Tx, schema string) (created, kept []string, err error) {
	rows, _ := tx.Query(ctx, `SELECT p.tablename, c.target_table IS NOT NULL
		FROM pg_tables p LEFT JOIN sluice.created_tables c ON c.target_schema = p.schemaname AND c.target_table = p.tablename
		WHERE p.schemaname = $1 AND (c.target_table IS NOT NULL
			OR p.tablename IN (SELECT target_table FROM sluice.tables WHERE target_schema = $1))
		ORDER BY 1`, schema)
	var name string
	var mine bool
	_, err = pgx.ForEachRow(rows, []any{&name, &mine}, func() error {
		if mine {
			created = append(created, name)
		} else {
			kept = append(kept, name)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list the tables Sluice created in %s: %w", schema, err)
	}
	return created, kept, nil
}

// dropTables drops tables in one statement, so that foreign keys between
// them need no order.
func dropTables(schema string, tables []string) []string {
	if len(tables) == 0 {
		return nil
	}
	stmt := "DROP TABLE "
	for i, name := range tables {
		if i > 0 {
			stmt += ", "
		}
		stmt += pgx.Identifier{schema, name}.Sanitize()
	}
	return []string{stmt}
}

// forgetTables deletes the load state of the dropped tables, and the
// creation records of schema (of tables dropped now or before).
func forgetTables(ctx context.Context, tx pgx.Tx, schema string, tables []string) error {
	const ids = `(SELECT id FROM sluice.tables WHERE target_schema = $1 AND target_table = ANY($2))`
	for _, stmt := range []string{
		`DELETE FROM sluice.chunks WHERE table_id IN ` + ids,
		`DELETE FROM sluice.seen WHERE table_id IN ` + ids,
		`DELETE FROM sluice.object_failures WHERE table_id IN ` + ids,
		`DELETE FROM sluice.stream_counts WHERE table_id IN ` + ids,
		`DELETE FROM sluice.stream_stops WHERE table_id IN ` + ids,
		`DELETE FROM sluice.legacy_keys WHERE target_schema = $1 AND target_table = ANY($2)`,
		`DELETE FROM sluice.conflicts WHERE target_schema = $1 AND target_table = ANY($2)`,
		`DELETE FROM sluice.tables WHERE target_schema = $1 AND target_table = ANY($2)`,
	} {
		if _, err := tx.Exec(ctx, stmt, schema, tables); err != nil {
			return fmt.Errorf("forget the state of the dropped tables: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM sluice.created_tables WHERE target_schema = $1`, schema); err != nil {
		return fmt.Errorf("forget the tables Sluice created in %s: %w", schema, err)
	}
	return nil
}
