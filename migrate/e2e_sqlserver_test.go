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
	for _, want := range []string{"4 c_varchar: not valid cp1252: bytes 81 at byte 1", "5 c_time: "} {
		if !strings.Contains(reasons, want) {
			t.Errorf("rejects %q lack %q", reasons, want)
		}
	}
}

// TestSQLServerCollationKeyset migrates tables keyed by nvarchar and varchar
// under a case-insensitive collation two rows a chunk: every row is loaded
// once (counts reconcile, verification at every level is clean), though the
// keys' collation order is not their byte order; a key whose bytes its code
// page does not define is rejected with them, and the chunk after it starts
// right after it.
func TestSQLServerCollationKeyset(t *testing.T) {
	t.Parallel()
	yaml := fmt.Sprintf("version: 1\nsources:\n  legacy: {url: %q}\ntarget: {url: %q}\ndefaults: {naming: snake_case, chunk_rows: 2}\n",
		sqlServerFixture(t, "collation"), sluicetest.NewPostgresDB(t))
	e := newEnv(t, yaml)
	sum, err := e.run(context.Background(), migrate.Options{Verify: allLevels, MaxRejects: 1})
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for _, r := range sum.Tables {
		if r.Loaded+r.Rejected != r.SourceRows || r.Chunks < 2 {
			t.Errorf("%s: %+v, want every row loaded or rejected, in several chunks", r.Target, r)
		}
	}
	for q, want := range map[string]string{
		`SELECT string_agg(code, ',' ORDER BY code COLLATE "C") FROM patient`:  "Ab,B,D,Z,a,aa,b2,c,e,Émile",
		`SELECT string_agg(code, ',' ORDER BY code) FROM legacy`:               "a,b",
		`SELECT encode(raw_bytes, 'hex') || ' ' || reason FROM sluice.rejects`: "6181 not valid cp1252: bytes 81 at byte 1",
	} {
		if got := e.text(t, q); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
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

// clinicsYAML consolidates three clinics' SQL Server databases into one
// PostgreSQL schema: camelCase names, integer keys to UUIDs across the
// databases, tinyint flags to boolean, one patient on file at two clinics
// matched by MRN, and the north clinic's bed counts expanded into beds.
func clinicsYAML(addr, tgt string) string {
	var parts strings.Builder
	for _, src := range []string{"north", "south", "west"} {
		fmt.Fprintf(&parts, `  %s.Patient:
    columns:
      IsActive: {type: boolean}
  %s.Visit:
    columns:
      IsUrgent: {type: boolean}
`, src, src)
	}
	return fmt.Sprintf(`version: 1
sources:
  north: {url: %q}
  south: {url: %q}
  west: {url: %q}
target: {url: %q}
defaults: {naming: camelCase, keys: uuid}
tables:
%s  north.Ward:
    expand:
      beds: {count: BedCount, ordinal: bedNo, parent: wardId}
  patients:
    from: [north.Patient, south.Patient, west.Patient]
    match_on: [mrn]
    prefer: [south, north, west]
  wards:
    from: [north.Ward, south.Ward, west.Ward]
  visits:
    from: [north.Visit, south.Visit, west.Visit]
`, sluicetest.TDSURL(addr, "ClinicNorth"), sluicetest.TDSURL(addr, "ClinicSouth"), sluicetest.TDSURL(addr, "ClinicWest"), tgt, parts.String())
}

// TestSQLServerClinicsConsolidation migrates three clinics' databases into
// one schema and checks the consolidated rows; verification at every level
// is clean.
func TestSQLServerClinicsConsolidation(t *testing.T) {
	t.Parallel()
	dbs, err := tds.LoadFixture("clinics")
	if err != nil {
		t.Fatal(err)
	}
	srv := sluicetest.StartTDSServer(t, dbs...)
	e := newEnv(t, clinicsYAML(srv.Addr(), sluicetest.NewPostgresDB(t)))
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	if sum.Rejected != 0 {
		t.Errorf("%d rows rejected: %v", sum.Rejected, sum.Rejects)
	}
	checks := map[string]string{
		`SELECT count(*)::text FROM patients`: "5", // MRN-2001 is one patient
		`SELECT count(*)::text FROM wards`:    "4",
		`SELECT count(*)::text FROM beds`:     "3",
		`SELECT count(*)::text FROM visits`:   "7",
		`SELECT pg_typeof("isActive")::text || ' ' || pg_typeof("isUrgent")::text FROM patients, visits LIMIT 1`:                                                 "boolean boolean",
		`SELECT "firstName" || ' ' || "lastName" || ' ' || "isActive"::text FROM patients WHERE mrn = 'MRN-2001'`:                                                "Carl Ostergard true",
		`SELECT count(*)::text FROM visits v JOIN patients p ON p.id = v."patientId" WHERE p.mrn = 'MRN-2001'`:                                                   "2",
		`SELECT string_agg(w.name || ':' || b."bedNo", ',' ORDER BY w.name, b."bedNo") FROM beds b JOIN wards w ON w.id = b."wardId" WHERE w.name LIKE 'North%'`: "North A:1,North A:2,North A:3",
		`SELECT "externalRef"::text FROM patients WHERE mrn = 'MRN-1001'`:                                                                                        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		`SELECT balance::text || ' ' || "lastSeen"::text FROM patients WHERE mrn = 'MRN-1001'`:                                                                   "120.5000 2024-01-15 08:00:00.123+00",
		`SELECT count(DISTINCT id)::text FROM visits`:                                                                                                            "7",
	}
	for q, want := range checks {
		if got := e.text(t, q); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
}

// TestSQLServerSchemaToOwnSchema loads a source's second schema into a
// PostgreSQL schema of its own: the schema is its own source (schema=) and
// its tables go to a target entry on the same database with that schema.
func TestSQLServerSchemaToOwnSchema(t *testing.T) {
	t.Parallel()
	url := sqlServerFixture(t, "healthcare")
	tgt := sluicetest.NewPostgresDB(t)
	s := newSplitEnv(t, fmt.Sprintf(`version: 1
sources:
  clinical: {url: %q}
  billing: {url: %q}
targets:
  main: {url: %q, schema: public}
  money: {url: %q, schema: billing}
defaults: {naming: snake_case, keys: uuid}
tables:
  billing.billing.Invoice: {target: invoice, database: money}
`, url+"&schema=dbo", url+"&schema=billing", tgt, tgt))
	if _, err := s.runAll(t); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for q, want := range map[string]int64{
		`SELECT count(*) FROM billing.invoice`: 2,
		`SELECT count(*) FROM public.patient`:  3,
		`SELECT count(*) FROM public.visit`:    4,
		// the source's defaults and checks, translated from T-SQL
		`SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.patient'::regclass AND contype = 'c' AND conname = 'CK_Patient_Flags'`:   1,
		`SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.ward'::regclass AND contype = 'c' AND conname = 'CK_Ward_Beds'`:          1,
		`SELECT count(*) FROM information_schema.columns WHERE table_name = 'patient' AND column_name = 'is_active' AND column_default = '1'`: 1,
	} {
		if got := s.int64(t, "main", q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
}

// TestSQLServerIdentityCarried: an identity key of SQL Server becomes an
// identity in PostgreSQL that numbers new rows after the highest loaded.
func TestSQLServerIdentityCarried(t *testing.T) {
	t.Parallel()
	yaml := fmt.Sprintf("version: 1\nsources:\n  clinical: {url: %q}\ntarget: {url: %q}\ndefaults: {naming: snake_case, keys: keep}\n",
		sqlServerFixture(t, "healthcare")+"&schema=dbo", sluicetest.NewPostgresDB(t))
	e := newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: allLevels})
	if got := e.text(t, `SELECT is_identity FROM information_schema.columns WHERE table_name = 'patient' AND column_name = 'patient_id'`); got != "YES" {
		t.Errorf("patient.patient_id is_identity = %q, want YES", got)
	}
	if n := e.int64(t, `SELECT nextval(pg_get_serial_sequence('public.patient', 'patient_id'))`); n <= 1002 {
		t.Errorf("the next patient id would be %d, at or below the highest loaded (1002)", n)
	}
}
