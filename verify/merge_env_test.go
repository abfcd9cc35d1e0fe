package verify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// multiEnv is a migration into one or several target databases, run as the
// CLI runs it, with a pool on each database for verify and for tampering.
type multiEnv struct {
	plan *plan.Plan
	srcs map[string]sluice.Source
	dbs  map[string]*pgxpool.Pool
	tgts migrate.Targets
	yaml string
}

// migratedAll parses yaml, migrates everything it names into its target
// databases and returns the env.
func migratedAll(t testing.TB, yaml string) *multiEnv {
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
	e := &multiEnv{srcs: prep.Sources, plan: prep.Plan, dbs: map[string]*pgxpool.Pool{}, yaml: yaml}
	tgts := migrate.Targets{}
	e.tgts = tgts
	for _, tc := range cfg.Targets {
		tgt, err := target.Open(ctx, tc.URL)
		if err != nil {
			t.Fatalf("open target %s: %v", tc.Name, err)
		}
		t.Cleanup(tgt.Close)
		tgts[tc.Name] = tgt
		if e.dbs[tc.Name], err = pgxpool.New(ctx, tc.URL); err != nil {
			t.Fatalf("open a pool on target %s: %v", tc.Name, err)
		}
		t.Cleanup(e.dbs[tc.Name].Close)
	}
	if _, err := migrate.RunAll(ctx, e.plan, e.srcs, tgts, migrate.Options{MaxRejects: 10, Observer: migrate.Quiet{}}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return e
}

// verifyDB verifies the tables of one target database, with chunks of two
// rows so that chunk bounds are crossed.
func (e *multiEnv) verifyDB(t testing.TB, name string) *verify.Report {
	t.Helper()
	r, err := verify.All(context.Background(), e.plan.ForDatabase(name), e.srcs, e.tgts[name], verify.Options{ChunkRows: 2})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return r
}

// verify verifies the only (or first) target database.
func (e *multiEnv) verify(t testing.TB) *verify.Report {
	t.Helper()
	return e.verifyDB(t, e.plan.Databases[0].Name)
}

// exec runs SQL on a target database, triggers and foreign keys off.
func (e *multiEnv) exec(t testing.TB, db string, sqls ...string) {
	t.Helper()
	(&env{db: e.dbs[db]}).exec(t, sqls...)
}

// clean fails the test if r has a finding.
func clean(t *testing.T, r *verify.Report) {
	t.Helper()
	if !r.OK() {
		t.Fatalf("%d findings, want none:\n%s", r.Findings, text(t, r))
	}
}

// detail is the detail of a table's level.
func detail(t *testing.T, r *verify.Report, table string, level int) string {
	t.Helper()
	for _, tr := range r.Tables {
		if tr.ID == table {
			return tr.Levels[level].Detail
		}
	}
	t.Fatalf("no table %s in the report:\n%s", table, text(t, r))
	return ""
}

// mysqlSource creates a MariaDB database from script and returns its URL.
func mysqlSource(t testing.TB, script string) string {
	t.Helper()
	u := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, u, script)
	return u
}

// sourceExec changes a source after the migration (a row deleted since).
func sourceExec(t testing.TB, url, script string) {
	t.Helper()
	sluicetest.ExecMySQL(t, url, script)
}

// yamlOf writes a config: sources by name, the target databases in order
// (name, url; the first is the default), and the rest.
func yamlOf(sources map[string]string, targets [][2]string, rest string) string {
	var b strings.Builder
	b.WriteString("version: 1\nsources:\n")
	for name, u := range sources {
		fmt.Fprintf(&b, "  %s: {url: %q}\n", name, u)
	}
	b.WriteString("targets:\n")
	for _, tg := range targets {
		fmt.Fprintf(&b, "  %s: {url: %q}\n", tg[0], tg[1])
	}
	b.WriteString(rest)
	return b.String()
}

// keyUUIDOf is the UUID of a source row, computed here from the documented
// namespace rather than by the code under test.
func keyUUIDOf(source, table string, key ...any) string {
	u, _ := sluice.KeyUUID(sluice.DefaultNamespace, source, table, key)
	return u.String()
}

// hasWithoutValues is has, except that the source value is not compared
// (a hash the test does not compute).
func hasWithoutValues(t *testing.T, r *verify.Report, want verify.Finding) {
	t.Helper()
	for _, tr := range r.Tables {
		for _, f := range tr.Findings {
			f.Detail, f.SourceValue = "", ""
			if f == want {
				return
			}
		}
	}
	t.Errorf("no finding %+v in:\n%s", want, text(t, r))
}
