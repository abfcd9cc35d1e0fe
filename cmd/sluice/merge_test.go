package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// TestVerifyFindsOrphanAcrossDatabases splits a source into two target
// databases: invoices in billing reference doctors in clinical. migrate
// succeeds without a constraint for that reference; once the referenced
// doctor is deleted, verify reports the orphans and exits 5.
func TestVerifyFindsOrphanAcrossDatabases(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "practice.db"), `CREATE TABLE Doctors (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
CREATE TABLE Invoices (Id INTEGER PRIMARY KEY, DoctorId INTEGER REFERENCES Doctors (Id), Amount NUMERIC(10,2) NOT NULL);
INSERT INTO Doctors VALUES (1, 'Dr One'), (2, 'Dr Two');
INSERT INTO Invoices VALUES (1, 1, 10.50), (2, 2, 20.00), (3, 2, 30.25), (4, NULL, 5.00);`)
	clinical, billing := sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  src: {url: %q}
targets:
  clinical: {url: %q}
  billing: {url: %q}
defaults:
  keys: uuid
tables:
  src.Invoices: {database: billing}
`, src, clinical, billing))
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	cdb, bdb := pgConn(t, clinical), pgConn(t, billing)
	if n := pgInt(t, bdb, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"); n != 0 {
		t.Errorf("billing holds %d foreign key constraints, want none", n)
	}
	if n := pgInt(t, bdb, "SELECT count(*) FROM public.invoices"); n != 4 {
		t.Errorf("billing holds %d invoices, want 4", n)
	}
	wantCode(t, in.run(t, "verify"), 0)

	if n := pgInt(t, cdb, "WITH d AS (DELETE FROM public.doctors WHERE legacy_id = 2 RETURNING 1) SELECT count(*) FROM d"); n != 1 {
		t.Fatalf("deleted %d doctors, want 1", n)
	}
	// The deleted doctor is itself a finding (counts, legacy keys, content);
	// the invoices that reference it are what only the check across the
	// databases finds.
	for _, args := range [][]string{{"verify"}, {"verify", "--level", "3"}} {
		r := in.run(t, args...)
		wantCode(t, r, 5)
		for _, key := range []string{"2", "3"} {
			if !regexp.MustCompile(`src\.Invoices +level 3 orphan +legacy ` + key + ` .*column doctor_id`).MatchString(r.stdout) {
				t.Errorf("sluice %s does not report invoice %s as an orphan:\n%s", strings.Join(args, " "), key, r)
			}
		}
	}
}

// TestPlanShowsDrift runs `sluice plan` on two drifted sources: the output
// holds the drift section with the missing columns and their fill, the type
// mismatches and how they are settled, and the unused columns.
func TestPlanShowsDrift(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	east := newSQLite(t, filepath.Join(dir, "east.db"), `CREATE TABLE Patients (PatientId INTEGER PRIMARY KEY,
  Name VARCHAR(30) NOT NULL, Phone VARCHAR(20), Visits SMALLINT, Notes TEXT);`)
	west := newSQLite(t, filepath.Join(dir, "west.db"), `CREATE TABLE Patient (Id INTEGER PRIMARY KEY,
  FullName VARCHAR(80) NOT NULL, Visits BIGINT, Email TEXT);`)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: "postgres://nobody@127.0.0.1:1/none"}
tables:
  east.Patients:
    columns: {Notes: {drop: true}}
  west.Patient:
    columns: {FullName: {name: name}}
    fill: {phone: "unknown"}
  patients:
    from: [east.Patients, west.Patient]
`, east, west))
	r := invocation{dir: dir}.run(t, "plan")
	wantCode(t, r, 0)
	for _, want := range []string{
		"Schema drift: patients <- east.Patients, west.Patient",
		`west.Patient lacks phone: filled with "unknown"`,
		"east.Patients lacks email: filled with NULL",
		"name: east.Patients varchar(30), west.Patient varchar(80) -> varchar(80)",
		"visits: east.Patients smallint, west.Patient bigint -> bigint",
		"east.Patients: Notes",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("sluice plan does not show %q:\n%s", want, r.stdout)
		}
	}
}

// TestMergeRerunSummary reruns strategy merge after one source row changed:
// the summary counts 1 updated and the rest unchanged.
func TestMergeRerunSummary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "shop.db"), `CREATE TABLE Items (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)
INSERT INTO Items SELECT i, 'item ' || i FROM n;`)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  shop: {url: %q}
target: {url: %q}
defaults:
  strategy: merge
  chunk_rows: 100
`, src, sluicetest.NewPostgresDB(t)))
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	r := in.run(t, "migrate", "--progress", "none")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "changes: 0 inserted, 0 updated, 250 unchanged, 0 deleted") {
		t.Errorf("a rerun on an unchanged source does not report 250 unchanged rows:\n%s", r.stdout)
	}
	// Loaded means written: an unchanged rerun read every row and loaded none.
	if !strings.Contains(r.stdout, ": 250 rows read, 0 loaded, 250 unchanged, 0 rejected, 0 filtered in ") {
		t.Errorf("a rerun that wrote nothing does not say 0 loaded:\n%s", r.stdout)
	}
	execSQLite(t, src, `UPDATE Items SET Name = 'renamed' WHERE Id = 200; INSERT INTO Items VALUES (251, 'new')`)
	r = in.run(t, "migrate", "--progress", "none")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "changes: 1 inserted, 1 updated, 249 unchanged, 0 deleted") {
		t.Errorf("a rerun after one change and one insert does not report them:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, ": 251 rows read, 2 loaded, 249 unchanged, 0 rejected, 0 filtered in ") {
		t.Errorf("a rerun that wrote 2 rows does not say 2 loaded:\n%s", r.stdout)
	}
}

// TestComputedRejectExitCode: an expression failing for a row rejects it;
// the run exits 4 unless --max-rejects allows it, and lists the reason.
func TestComputedRejectExitCode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "staff.db"), `CREATE TABLE Staff (Id INTEGER PRIMARY KEY, FirstName TEXT NOT NULL, LastName TEXT);
INSERT INTO Staff VALUES (1, 'Ann', 'Lee'), (2, 'Bob', NULL), (3, 'Cy', 'Park');`)
	tgt := sluicetest.NewPostgresDB(t)
	writeFile(t, dir, "sluice.yaml", fmt.Sprintf(`version: 1
sources:
  hr: {url: %q}
target: {url: %q}
tables:
  hr.Staff:
    computed:
      full_name: {expr: 'FirstName + " " + LastName'}
`, src, tgt))
	in := invocation{dir: dir}
	r := in.run(t, "migrate", "--progress", "none")
	wantCode(t, r, 4)
	if !strings.Contains(r.stdout, "hr.Staff") || !strings.Contains(r.stdout, "LastName") {
		t.Errorf("the summary does not list the rejected row and why:\n%s", r)
	}
	db := pgConn(t, tgt)
	if got := pgRows(t, db, "SELECT id, full_name FROM public.staff ORDER BY id"); !slices.Equal(got, []string{"1 | Ann Lee", "3 | Cy Park"}) {
		t.Errorf("staff holds %q, want Ann Lee and Cy Park", got)
	}
	if got := pgRows(t, db, "SELECT row_key, column_name FROM sluice.rejects"); !slices.Equal(got, []string{"2 | full_name"}) {
		t.Errorf("rejects hold %q, want row 2's full_name", got)
	}
}
