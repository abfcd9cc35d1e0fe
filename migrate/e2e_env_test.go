package migrate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// env is one migration as the CLI would set it up: a config parsed from
// YAML, its sources open and introspected, the plan, the target, and a pool
// on the target for the test's own queries.
type env struct {
	cfg  *config.Config
	plan *plan.Plan
	srcs map[string]sluice.Source
	tgt  *target.Target
	db   *pgxpool.Pool
}

// newEnv parses yaml and prepares everything it names, closing it all when
// the test ends.
func newEnv(t *testing.T, yaml string) *env {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse(strings.NewReader(yaml), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse the config: %v\n%s", err, yaml)
	}
	prep, err := engines.Prepare(ctx, cfg)
	if err != nil {
		t.Fatalf("open, introspect and plan: %v", err)
	}
	t.Cleanup(prep.Sources.Close)
	e := &env{cfg: cfg, srcs: prep.Sources, plan: prep.Plan}
	e.tgt = openTarget(t, cfg.Target.URL)
	if e.db, err = pgxpool.New(ctx, cfg.Target.URL); err != nil {
		t.Fatalf("open a pool on the target: %v", err)
	}
	t.Cleanup(e.db.Close)
	return e
}

// run runs the migration with the test's options.
func (e *env) run(ctx context.Context, o migrate.Options) (*migrate.Summary, error) {
	return migrate.Run(ctx, e.plan, e.srcs, e.tgt, o)
}

// mustRun runs the migration and fails the test on any error.
func (e *env) mustRun(t *testing.T, o migrate.Options) *migrate.Summary {
	t.Helper()
	sum, err := e.run(context.Background(), o)
	if err != nil {
		t.Fatalf("run the migration: %v", err)
	}
	return sum
}

// int64 runs a query that returns one integer.
func (e *env) int64(t *testing.T, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// text runs a query that returns one text value ("" for NULL).
func (e *env) text(t *testing.T, sql string, args ...any) string {
	t.Helper()
	var s *string
	if err := e.db.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if s == nil {
		return ""
	}
	return *s
}

// table returns the planned table with this source table name.
func (e *env) table(t *testing.T, sourceTable string) *plan.Table {
	t.Helper()
	for _, pt := range e.plan.Tables {
		if pt.SourceTable == sourceTable {
			return pt
		}
	}
	t.Fatalf("no planned table for source table %s", sourceTable)
	return nil
}

// openTarget connects to the target, closing it when the test ends.
func openTarget(t *testing.T, raw string) *target.Target {
	t.Helper()
	tgt, err := target.Open(context.Background(), raw)
	if err != nil {
		t.Fatalf("open the target: %v", err)
	}
	t.Cleanup(tgt.Close)
	return tgt
}
