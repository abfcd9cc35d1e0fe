package migrate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/sluicetest"
)

// pgSourceRows runs a query on a PostgreSQL source and returns its rows as
// e.rows does.
func pgSourceRows(t *testing.T, url, query string) []string {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rs, err := conn.Query(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	vals, err := pgx.CollectRows(rs, func(r pgx.CollectableRow) (string, error) {
		v, err := r.Values()
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = "<NULL>"
			if x != nil {
				parts[i] = fmt.Sprint(x)
			}
		}
		return strings.Join(parts, "|"), err
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return vals
}

// requirePostGIS creates the extension on a test database, skipping the
// test where PostGIS is not installed, unless CI=true.
func requirePostGIS(t *testing.T, url string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostGIS is not installed and CI=true: %v", err)
		}
		t.Skipf("PostGIS is not installed: %v", err)
	}
}

const pgViews = `
CREATE TABLE "Patients" (id int PRIMARY KEY, "FirstName" text NOT NULL, last_name text, active boolean NOT NULL, clinic int);
CREATE TABLE "Clinics" (id int PRIMARY KEY, "ClinicName" text NOT NULL, area geometry(Polygon,4326), spot geometry);
INSERT INTO "Clinics" VALUES (1, 'North', 'SRID=4326;POLYGON((0 0,1 0,1 1,0 0))', 'POINT Z (1 2 3)'), (2, 'South', NULL, 'SRID=3857;MULTIPOINT((1 2),(3 4))');
INSERT INTO "Patients" VALUES (1, 'Ann', 'Lee', true, 1), (2, 'Bob', NULL, false, 1), (3, 'Cy', 'Ng', true, 2), (4, 'Di', 'Ho', true, NULL);
CREATE INDEX patients_lower_first ON "Patients" (lower("FirstName"));
CREATE INDEX patients_active_last ON "Patients" (last_name) WHERE active;
CREATE INDEX clinics_area ON "Clinics" USING gist (area);
CREATE VIEW "ActivePatients" AS SELECT p.id, p."FirstName", upper(p.last_name) AS "Surname" FROM "Patients" p WHERE p.active ORDER BY p.id;
CREATE VIEW clinic_counts AS SELECT c."ClinicName", count(p.id) AS patients FROM "Clinics" c LEFT JOIN "Patients" p ON p.clinic = c.id GROUP BY c."ClinicName";
`

// A PostgreSQL source's views, expression and partial indexes are created
// on the target over the renamed columns; the views return the source
// views' rows; PostGIS values verify at every level.
func TestViewsPostgresToPostgres(t *testing.T) {
	t.Parallel()
	src := sluicetest.NewPostgresDB(t)
	requirePostGIS(t, src)
	sluicetest.ExecPostgres(t, src, pgViews)
	dst := sluicetest.NewPostgresDB(t)
	e := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  clinic: {url: %q}\ntarget: {url: %q}\n", src, dst))
	e.mustRun(t, migrate.Options{Verify: allLevels})
	checkSame(t, e.rows(t, `SELECT id, first_name, surname FROM active_patients`),
		pgSourceRows(t, src, `SELECT id, "FirstName", "Surname" FROM "ActivePatients"`))
	checkSame(t, e.rows(t, `SELECT clinic_name, patients FROM clinic_counts ORDER BY 1`),
		pgSourceRows(t, src, `SELECT "ClinicName", patients FROM clinic_counts ORDER BY 1`))
	defs := e.rows(t, `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey' ORDER BY 1`)
	for _, want := range []string{"USING gist (area)", "(lower(first_name))", "(last_name) WHERE active"} {
		if !slices.ContainsFunc(defs, func(d string) bool { return strings.Contains(d, want) }) {
			t.Errorf("no index with %q among %q", want, defs)
		}
	}
	checkSame(t, e.rows(t, `SELECT id, ST_AsEWKT(area), ST_AsEWKT(spot) FROM clinics ORDER BY id`),
		pgSourceRows(t, src, `SELECT id, ST_AsEWKT(area), ST_AsEWKT(spot) FROM "Clinics" ORDER BY id`))
	e.mustRun(t, migrate.Options{Verify: allLevels}) // the views are dropped and made again
	if n := e.int64(t, "SELECT count(*) FROM active_patients"); n != 3 {
		t.Errorf("after a rerun active_patients has %d rows, want 3", n)
	}
}

func checkSame(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// A SQLite view over PascalCase columns, renamed snake_case, returns the
// source view's rows.
func TestViewsSQLite(t *testing.T) {
	t.Parallel()
	script := `CREATE TABLE Memo (MemoId INTEGER PRIMARY KEY, MemoText TEXT, Stars INT);
		INSERT INTO Memo VALUES (1, 'short', 1), (2, 'rather long', 5), (3, NULL, 3), (4, 'medium', NULL);
		CREATE VIEW GoodMemos AS SELECT MemoId, upper(MemoText) AS Loud, coalesce(Stars, 0) * 2 Score FROM Memo WHERE length(MemoText) > 5 OR Stars >= 3;
		CREATE VIEW AllMemos AS SELECT * FROM Memo;
		CREATE TRIGGER memo_ai AFTER INSERT ON Memo BEGIN SELECT 1; END;`
	src := newSQLite(t, "memos", script)
	dst := sluicetest.NewPostgresDB(t)
	e := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  notes: {url: %q}\ntarget: {url: %q}\n", src, dst))
	if len(e.plan.Views) != 2 {
		t.Fatalf("views planned: %+v", e.plan.Views)
	}
	e.mustRun(t, migrate.Options{Verify: allLevels})
	db, err := sql.Open("sqlite", strings.TrimPrefix(src, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkSame(t, e.rows(t, `SELECT memo_id, loud, score FROM good_memos ORDER BY 1`),
		sqliteRows(t, db, `SELECT MemoId, Loud, Score FROM GoodMemos ORDER BY 1`))
	checkSame(t, e.rows(t, `SELECT memo_id, coalesce(memo_text, '<NULL>'), coalesce(stars::text, '<NULL>') FROM all_memos ORDER BY 1`),
		sqliteRows(t, db, `SELECT MemoId, coalesce(MemoText, '<NULL>'), coalesce(Stars, '<NULL>') FROM AllMemos ORDER BY 1`))
}

func sqliteRows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rs, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = "<NULL>"
			if v != nil {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

// With spatial: wkt, MariaDB's spatial values load as EWKT text, verify
// clean, and the SPATIAL index is reported as not carried over.
func TestSpatialAsWKT(t *testing.T) {
	t.Parallel()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, `CREATE TABLE Places (PlaceID int PRIMARY KEY, Loc point NOT NULL, Area polygon, SPATIAL KEY sp_loc (Loc));
		INSERT INTO Places VALUES (1, ST_GeomFromText('POINT(4.8896 52.374)', 4326), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')),
		(2, ST_GeomFromText('POINT(0.1 -0.30000000000000004)'), NULL);`)
	dst := sluicetest.NewPostgresDB(t)
	e := newEnv(t, fmt.Sprintf("version: 1\nsources:\n  shop: {url: %q}\ntarget: {url: %q}\ndefaults: {spatial: wkt}\n", src, dst))
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	if sum.Rejected != 0 {
		t.Errorf("%d rows rejected", sum.Rejected)
	}
	checkSame(t, e.rows(t, `SELECT place_id, loc, coalesce(area, '<NULL>') FROM places ORDER BY 1`), []string{
		"1|SRID=4326;POINT(4.8896 52.374)|POLYGON((0 0,1 0,1 1,0 0))",
		"2|POINT(0.1 -0.30000000000000004)|<NULL>",
	})
	if !slices.ContainsFunc(e.plan.Losses, func(l plan.Loss) bool { return strings.Contains(l.What, "sp_loc") }) {
		t.Errorf("the SPATIAL index is not listed as lost: %+v", e.plan.Losses)
	}
}

// A unique index the rows break fails its table's validation: the other
// tables load to the end, and the error is a ValidationError (exit 5).
func TestUniqueIndexBrokenFailsTheTable(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "dups", `CREATE TABLE People (PersonId INTEGER PRIMARY KEY, Email TEXT);
		INSERT INTO People VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x');
		CREATE TABLE Rooms (RoomId INTEGER PRIMARY KEY, Name TEXT);
		INSERT INTO Rooms VALUES (1, 'r1');`)
	dst := sluicetest.NewPostgresDB(t)
	e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  office: {url: %q}
target: {url: %q}
tables:
  office.People:
    indexes:
      people_email: {columns: [email], unique: true}
`, src, dst))
	_, err := e.run(context.Background(), migrate.Options{})
	var val *sluice.ValidationError
	if !errors.As(err, &val) || !strings.Contains(err.Error(), "people_email") {
		t.Fatalf("got %v, want a validation error naming people_email", err)
	}
	if got := e.rows(t, "SELECT id, state FROM sluice.tables ORDER BY id"); !slices.Equal(got, []string{"office.People|failed", "office.Rooms|done"}) {
		t.Errorf("table states: %q", got)
	}
}
