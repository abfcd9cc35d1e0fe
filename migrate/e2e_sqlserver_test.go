package migrate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
)

// sqlServerFixture builds a fixture of the TDS test server's on a real SQL
// Server when SLUICE_TEST_SQLSERVER_URL is set, else serves it.
func sqlServerFixture(t *testing.T, name string) string {
	t.Helper()
	script, err := tds.FixtureScript(name)
	if err != nil {
		t.Fatal(err)
	}
	return sluicetest.SQLServerFixture(t, script)
}

// TestSQLServerTypes migrates every SQL Server type into PostgreSQL and
// checks the values there: a uniqueidentifier keeps its text form (SQL
// Server stores its first three groups little-endian), a datetimeoffset
// its instant, money its four decimals; a varchar byte its code page lacks
// and a time with seven fractional digits are rejected with the reason,
// never replaced or rounded.
func TestSQLServerTypes(t *testing.T) {
	t.Parallel()
	yaml := fmt.Sprintf("version: 1\nsources:\n  legacy: {url: %q}\ntarget: {url: %q}\ndefaults: {naming: keep}\n",
		sqlServerFixture(t, "types"), sluicetest.NewPostgresDB(t))
	e := newEnv(t, yaml)
	sum, err := e.run(context.Background(), migrate.Options{MaxRejects: 2})
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if sum.Rejected != 2 {
		t.Errorf("%d rows rejected, want 2 (rows 4 and 5)", sum.Rejected)
	}
	checks := map[string]string{
		`SELECT c_guid::text FROM type_matrix WHERE id = 1`:                                   "6f9619ff-8b86-d011-b42d-00c04fc964ff",
		`SELECT c_dto::text FROM type_matrix WHERE id = 1`:                                    "2024-05-06 05:08:09.123456+00",
		`SELECT c_money::text FROM type_matrix WHERE id = 2`:                                  "-922337203685477.5808",
		`SELECT c_decimal::text FROM type_matrix WHERE id = 2`:                                "-9999999999999999999999999999.9999999999",
		`SELECT c_datetime::text FROM type_matrix WHERE id = 1`:                               "2020-01-01 10:00:00.003",
		`SELECT c_cyrillic FROM type_matrix WHERE id = 1`:                                     "Привет",
		`SELECT c_varchar FROM type_matrix WHERE id = 1`:                                      "Café",
		`SELECT c_nvarchar_max FROM type_matrix WHERE id = 1`:                                 "😀 emoji",
		`SELECT c_tinyint::text || ' ' || pg_typeof(c_tinyint) FROM type_matrix WHERE id = 1`: "200 smallint",
		`SELECT encode(c_image, 'hex') FROM type_matrix WHERE id = 1`:                         "89504e47",
		`SELECT c_geography FROM type_matrix WHERE id = 1`:                                    "SRID=4326;POINT (4.9 52.37)",
		`SELECT c_hierarchyid FROM type_matrix WHERE id = 1`:                                  "/1/2/",
		`SELECT length(c_varchar_max)::text FROM type_matrix WHERE id = 1`:                    "9000",
		`SELECT count(*)::text FROM type_matrix`:                                              "3",
	}
	for q, want := range checks {
		if got := e.text(t, q); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	reasons := e.text(t, `SELECT string_agg(row_key || ' ' || column_name || ': ' || reason, '; ' ORDER BY row_key) FROM sluice.rejects`)
	t.Logf("rejects: %s", reasons)
	for _, want := range []string{"4 c_varchar: cannot cast sqlserver.UnmappableText", "5 c_time: "} {
		if !strings.Contains(reasons, want) {
			t.Errorf("rejects %q lack %q", reasons, want)
		}
	}
}

// TestSQLServerCollationKeyset migrates tables keyed by nvarchar and varchar
// under a case-insensitive collation two rows a chunk: every row is loaded
// once (counts reconcile, verification at every level is clean), though the
// keys' collation order is not their byte order.
func TestSQLServerCollationKeyset(t *testing.T) {
	t.Parallel()
	yaml := fmt.Sprintf("version: 1\nsources:\n  legacy: {url: %q}\ntarget: {url: %q}\ndefaults: {naming: snake_case, chunk_rows: 2}\n",
		sqlServerFixture(t, "collation"), sluicetest.NewPostgresDB(t))
	e := newEnv(t, yaml)
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	for _, r := range sum.Tables {
		if r.Loaded != r.SourceRows || r.Chunks < 3 {
			t.Errorf("%s: %+v, want every row loaded in several chunks", r.Target, r)
		}
	}
	if got := e.text(t, `SELECT string_agg(code, ',' ORDER BY code COLLATE "C") FROM patient`); got != "Ab,B,D,Z,a,aa,b2,c,e,Émile" {
		t.Errorf("patient codes: %s", got)
	}
}

// TestSQLServerMergeRerun merges Chinook from SQL Server again and again:
// once digests are recorded, an unchanged rerun reads no chunk (the
// server digests each chunk's key range), and a change to one track makes
// its chunk the only one read, with one row updated.
func TestSQLServerMergeRerun(t *testing.T) {
	t.Parallel()
	dbs, err := tds.LoadScript(sluicetest.ChinookSQLServerScript())
	if err != nil {
		t.Fatal(err)
	}
	srv := sluicetest.StartTDSServer(t, dbs...)
	yaml := fmt.Sprintf("version: 1\nsources:\n  chinook: {url: %q}\ntarget: {url: %q}\n"+
		"defaults: {naming: snake_case, keys: uuid, strategy: merge, chunk_rows: 500}\n",
		sluicetest.TDSURL(srv.Addr(), "Chinook"), sluicetest.NewPostgresDB(t))
	opts := migrate.Options{Verify: allLevels}
	newEnv(t, yaml).mustRun(t, opts)
	// Chinook is 39 chunks of 500 rows (Track's 3503 rows are 8 of them).
	for run, want := range []int64{0, 39} {
		e := newEnv(t, yaml)
		sum := e.mustRun(t, opts)
		wantCounts(t, sum, "chinook.Track", 3503, 0, 0, 3503, 0)
		if n := skippedChunks(t, e, sum.RunID); n != want {
			t.Errorf("unchanged rerun %d skipped %d of 39 chunks, want %d", run+1, n, want)
		}
	}
	srv.Mutate(func() {
		track := dbs[0].Table("dbo", "Track")
		track.Rows[1600][1] = "A renamed track" // TrackId 1601, in chunk 4
	})
	e := newEnv(t, yaml)
	sum := e.mustRun(t, opts)
	wantCounts(t, sum, "chinook.Track", 3503, 0, 1, 3502, 0)
	if n := skippedChunks(t, e, sum.RunID); n != 38 {
		t.Errorf("one track changed: %d chunks skipped, want the other 38", n)
	}
	if got := e.text(t, "SELECT name FROM track WHERE legacy_id = 1601"); got != "A renamed track" {
		t.Errorf("track 1601 is %q in the target", got)
	}
}
