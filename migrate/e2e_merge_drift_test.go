package migrate_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/sluicetest"
)

// The east clinic (MariaDB) and the west clinic (SQLite) keep patients in
// tables that drifted apart: west has no phone or fax, east no email; names
// are varchar(30) in the east and varchar(80) in the west; visits int
// against bigint. Each side has a column that no mapping uses.
const (
	driftEast = `CREATE TABLE Patients (PatientId int PRIMARY KEY, Name varchar(30) NOT NULL,
  Phone varchar(20), Fax varchar(20), Visits int, Notes text);
INSERT INTO Patients VALUES (1, 'Ann East', '555-0101', '555-0191', 3, 'n1'),
  (2, 'Bob East', NULL, NULL, NULL, NULL), (3, 'Cy East', '555-0103', NULL, 2147483647, 'n3');`
	driftWest = `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, FullName VARCHAR(80) NOT NULL,
  Visits BIGINT, Email VARCHAR(50), Extra TEXT);
INSERT INTO Patient VALUES (1, 'Dora West With A Name Longer Than Thirty Characters', 9000000000, 'dora@west', 'x'),
  (2, 'Ed West', NULL, NULL, NULL);`
)

// driftYAML fills the west's phone with "n/a" and leaves its fax to NULL.
func driftYAML(east, west, tgt string) string {
	return fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
defaults:
  naming: snake_case
tables:
  east.Patients:
    columns:
      Notes: {drop: true}
  west.Patient:
    columns:
      FullName: {name: name}
      Extra: {drop: true}
    fill: {phone: "n/a"}
  patients:
    from: [east.Patients, west.Patient]
`, east, west, tgt)
}

// TestMergeDriftFillsAndWidens checks the drift report of two drifted
// sources, and that the load fills and widens as it says.
func TestMergeDriftFillsAndWidens(t *testing.T) {
	t.Parallel()
	east := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, east, driftEast)
	west := newSQLite(t, "west", driftWest)
	e := newEnv(t, driftYAML(east, west, sluicetest.NewPostgresDB(t)))

	checkDrift(t, e.plan)
	checkDriftRendered(t, e.plan)
	e.mustRun(t, migrate.Options{Verify: allLevels})

	types := e.rows(t, `SELECT column_name, format_type(atttypid, atttypmod), attnotnull FROM information_schema.columns c
		JOIN pg_attribute a ON a.attrelid = 'public.patients'::regclass AND a.attname = c.column_name
		WHERE table_schema = 'public' AND table_name = 'patients' AND column_name IN ('name', 'visits', 'phone', 'fax', 'email')`)
	sameSet(t, "column types", types, []string{
		"name|character varying(80)|true", "visits|bigint|false", "phone|character varying(20)|false",
		"fax|character varying(20)|false", "email|character varying(50)|false"})

	var want []string
	for _, r := range sourceRows(t, east, "SELECT PatientId, Name, Phone, Fax, Visits FROM Patients") {
		want = append(want, "east|"+r+"|<NULL>")
	}
	for _, r := range sourceRows(t, west, "SELECT Id, FullName, 'n/a', NULL, Visits, Email FROM Patient") {
		want = append(want, "west|"+r)
	}
	sameSet(t, "patients", e.rows(t, `SELECT source, legacy_id, name, phone, fax, visits::text, email FROM public.patients`), want)
	verifyClean(t, e)
}

// checkDrift compares the plan's drift with what the two schemas imply.
func checkDrift(t *testing.T, p *plan.Plan) {
	t.Helper()
	if len(p.Drift) != 1 {
		t.Fatalf("the plan reports drift for %d tables, want 1: %+v", len(p.Drift), p.Drift)
	}
	d := p.Drift[0]
	if d.Table != "patients" {
		t.Errorf("drift of table %q, want patients", d.Table)
	}
	var missing []string
	for _, m := range d.Missing {
		fill := "NULL"
		if m.Fill != nil {
			fill = *m.Fill
		}
		missing = append(missing, m.Source+" "+m.Column+" "+fill)
	}
	sort.Strings(missing)
	if want := []string{"east.Patients email NULL", "west.Patient fax NULL", "west.Patient phone n/a"}; !reflect.DeepEqual(missing, want) {
		t.Errorf("missing columns %q, want %q", missing, want)
	}
	var types []string
	for _, ty := range d.Types {
		types = append(types, fmt.Sprintf("%s %s/%s -> %s", ty.Column, ty.Types["east.Patients"], ty.Types["west.Patient"], ty.Resolved))
		if len(ty.Types) != 2 || ty.Why == "" {
			t.Errorf("type drift of %s: %+v, want both sources' types and a reason", ty.Column, ty)
		}
	}
	sort.Strings(types)
	if want := []string{"name varchar(30)/varchar(80) -> varchar(80)", "visits integer/bigint -> bigint"}; !reflect.DeepEqual(types, want) {
		t.Errorf("type drift %q, want %q", types, want)
	}
	var unused []string
	for _, u := range d.Unused {
		unused = append(unused, u.Source+" "+u.Column)
	}
	sort.Strings(unused)
	if want := []string{"east.Patients Notes", "west.Patient Extra"}; !reflect.DeepEqual(unused, want) {
		t.Errorf("unused columns %q, want %q", unused, want)
	}
}

// checkDriftRendered checks that `sluice plan` (plan.Render) shows the drift.
func checkDriftRendered(t *testing.T, p *plan.Plan) {
	t.Helper()
	var b strings.Builder
	if err := p.Render(&b); err != nil {
		t.Fatalf("render the plan: %v", err)
	}
	out := b.String()
	for _, want := range []string{
		"Schema drift: patients <- east.Patients, west.Patient",
		"west.Patient lacks phone: filled with",
		"west.Patient lacks fax: filled with",
		"east.Patients lacks email: filled with",
		"name: east.Patients varchar(30), west.Patient varchar(80) -> varchar(80)",
		"visits: east.Patients integer, west.Patient bigint -> bigint",
		"east.Patients: Notes",
		"west.Patient: Extra",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan does not show %q:\n%s", want, out)
		}
	}
}
