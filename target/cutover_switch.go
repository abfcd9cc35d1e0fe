package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SetReplicaIdentityFull has every table named (in schema) log whole old
// rows, so that a delete or update on the target reaches the reverse stream
// with every column of the row it removed, not only its key: the legacy
// key the source row is found by is not the target's key. It is idempotent.
func (t *Target) SetReplicaIdentityFull(ctx context.Context, schema string, tables []string) error {
	for _, name := range tables {
		stmt := fmt.Sprintf("ALTER TABLE %s.%s REPLICA IDENTITY FULL", pgx.Identifier{schema}.Sanitize(), pgx.Identifier{name}.Sanitize())
		if _, err := t.pool.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("set replica identity full on %s.%s on %s: %w", schema, name, t.where, err)
		}
	}
	return nil
}

// ValidateConstraints validates the constraints of the tables named (in
// schema) that were created NOT VALID (foreign keys deferred during the
// load), and returns those it validated. A violation fails with the
// constraint's name and what PostgreSQL says of the offending row.
func (t *Target) ValidateConstraints(ctx context.Context, schema string, tables []string) ([]string, error) {
	rows, err := t.pool.Query(ctx, `SELECT c.relname, k.conname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT k.convalidated AND n.nspname = $1 AND c.relname = ANY($2) ORDER BY 1, 2`, schema, tables)
	if err != nil {
		return nil, fmt.Errorf("list the constraints not validated in %s on %s: %w", schema, t.where, err)
	}
	type pending struct{ Table, Name string }
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pending])
	if err != nil {
		return nil, fmt.Errorf("list the constraints not validated in %s on %s: %w", schema, t.where, err)
	}
	var done []string
	for _, c := range list {
		stmt := fmt.Sprintf("ALTER TABLE %s.%s VALIDATE CONSTRAINT %s", pgx.Identifier{schema}.Sanitize(),
			pgx.Identifier{c.Table}.Sanitize(), pgx.Identifier{c.Name}.Sanitize())
		if _, err := t.pool.Exec(ctx, stmt); err != nil {
			return done, fmt.Errorf("validate constraint %s of %s.%s: %w", c.Name, schema, c.Table, err)
		}
		done = append(done, c.Table+"."+c.Name)
	}
	return done, nil
}

// SkipStreamTo moves the stream of source to position without applying
// what lies before it. Only a rollback after cutover does this: the
// sources, frozen and proven equal to the target, hold there what the
// reverse stream wrote to them, which the forward stream must not apply
// to the target again.
func (t *Target) SkipStreamTo(ctx context.Context, runID int64, source, position string) error {
	_, err := t.pool.Exec(ctx, `UPDATE sluice.streams SET position = $2, run_id = coalesce(nullif($3::bigint, 0), run_id)
		WHERE source = $1`, source, position, runID)
	if err != nil {
		return fmt.Errorf("move the stream of %s to %s on %s: %w", source, position, t.where, err)
	}
	return nil
}
