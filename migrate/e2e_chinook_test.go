package migrate_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// edition is one engine's copy of Chinook. The PostgreSQL edition names its
// tables and columns in snake_case; the others in PascalCase.
type edition struct {
	engine string
	url    func(testing.TB) string
	snake  bool
}

var chinookEditions = []edition{
	{"sqlite", sluicetest.ChinookSQLite, false},
	{"mysql", sluicetest.ChinookMySQL, false},
	{"postgres", sluicetest.ChinookPostgres, true},
	{"sqlserver", chinookSQLServer, false},
}

// chinookSQLServer is Chinook as the SQL Server script builds it: on the
// real SQL Server of SLUICE_TEST_SQLSERVER_URL when it is set, else served
// by the TDS test server.
func chinookSQLServer(t testing.TB) string {
	if sluicetest.SQLServerURL() != "" {
		return sluicetest.RealSQLServerFixture(t, sluicetest.ChinookSQLServerScript())
	}
	return sluicetest.ChinookTDS(t)
}

// n is the edition's name for a PascalCase Chinook identifier.
func (ed edition) n(pascal string) string {
	if ed.snake {
		return snake(pascal)
	}
	return pascal
}

// snake writes InvoiceLineId as invoice_line_id.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// chinookYAML is a config migrating Chinook (source "chinook") into
// target with snake_case naming, the given keys and extra YAML appended.
func chinookYAML(src, tgt, keys, extra string) string {
	return fmt.Sprintf(`version: 1
sources:
  chinook:
    url: %q
target:
  url: %q
defaults:
  naming: snake_case
  keys: %s
%s`, src, tgt, keys, extra)
}

// TestChinookEndToEnd migrates Chinook from every engine, with keys kept and
// rewritten to UUIDs, and proves the target holds every source value.
func TestChinookEndToEnd(t *testing.T) {
	t.Parallel()
	for _, ed := range chinookEditions {
		t.Run(ed.engine, func(t *testing.T) {
			t.Parallel()
			srcURL := ed.url(t)
			for _, keys := range []string{config.KeysKeep, config.KeysUUID} {
				t.Run("keys_"+keys, func(t *testing.T) {
					t.Parallel()
					e := newEnv(t, chinookYAML(srcURL, sluicetest.NewPostgresDB(t), keys, ""))
					sum := e.mustRun(t, migrate.Options{})
					checkChinookSummary(t, e, sum)
					for _, pt := range e.plan.Tables {
						if rejected := compareTable(t, e, pt); rejected != 0 {
							t.Errorf("%s: the mapping rejects %d source rows", pt.ID, rejected)
						}
					}
					checkChinookFacts(t, e, ed, keys)
				})
			}
		})
	}
}

// checkChinookSummary checks what Run reports and what it recorded: every
// table read, loaded and reconciled in full, nothing rejected.
func checkChinookSummary(t *testing.T, e *env, sum *migrate.Summary) {
	t.Helper()
	if sum.RunID <= 0 || sum.Rejected != 0 || len(sum.Rejects) != 0 {
		t.Errorf("summary: run %d, %d rejected (%v)", sum.RunID, sum.Rejected, sum.Rejects)
	}
	if len(sum.Tables) != len(sluicetest.ChinookRows) {
		t.Fatalf("summary lists %d tables, want %d", len(sum.Tables), len(sluicetest.ChinookRows))
	}
	for _, r := range sum.Tables {
		want, ok := chinookRows()[r.Target]
		if !ok {
			t.Errorf("summary lists unexpected table %s", r.Target)
		}
		if r.SourceRows != want || r.Read != want || r.Loaded != want || r.Rejected != 0 || r.Filtered != 0 || r.Skipped || r.Chunks < 1 {
			t.Errorf("%s: %+v, want %d rows read and loaded", r.Target, r, want)
		}
		if n := e.int64(t, `SELECT count(*) FROM public.`+r.Target); n != want {
			t.Errorf("%s holds %d rows, want %d", r.Target, n, want)
		}
	}
	if n := e.int64(t, `SELECT count(*) FROM sluice.rejects`); n != 0 {
		t.Errorf("sluice.rejects holds %d rows", n)
	}
	if s := e.text(t, `SELECT status FROM sluice.runs WHERE run_id = $1`, sum.RunID); s != "ok" {
		t.Errorf("run %d recorded as %q", sum.RunID, s)
	}
	if n := e.int64(t, `SELECT count(*) FROM sluice.tables WHERE state <> 'done'`); n != 0 {
		t.Errorf("%d tables are not done", n)
	}
}

// chinookRows are the expected row counts by target (snake_case) name.
func chinookRows() map[string]int64 {
	m := map[string]int64{}
	for name, n := range sluicetest.ChinookRows {
		m[snake(name)] = n
	}
	return m
}
