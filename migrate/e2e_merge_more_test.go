package migrate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// TestMergedDeleteMissingOwnSource: in a merged table without match_on,
// delete_missing deletes only the rows of the source whose row is gone,
// even where another source has a row with the same legacy key.
func TestMergedDeleteMissingOwnSource(t *testing.T) {
	t.Parallel()
	east := newSQLite(t, "east", `CREATE TABLE Notes (Id INTEGER PRIMARY KEY, Body TEXT);
INSERT INTO Notes VALUES (1, 'e1'), (2, 'e2'), (3, 'e3');`)
	west := newSQLite(t, "west", `CREATE TABLE Note (Id INTEGER PRIMARY KEY, Body TEXT);
INSERT INTO Note VALUES (1, 'w1'), (2, 'w2');`)
	yaml := fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
tables:
  notes: {from: [east.Notes, west.Note], delete_missing: true}
`, east, west, sluicetest.NewPostgresDB(t))
	newEnv(t, yaml).mustRun(t, migrate.Options{})
	execSQLite(t, east, `DELETE FROM Notes WHERE Id IN (2, 3)`)
	e := newEnv(t, yaml)
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	wantCounts(t, sum, "east.Notes", 1, 0, 0, 1, 2)
	wantCounts(t, sum, "west.Note", 2, 0, 0, 2, 0)
	sameSet(t, "notes", e.rows(t, `SELECT source, legacy_id, body FROM public.notes`),
		[]string{"east|1|e1", "west|1|w1", "west|2|w2"})
}

// TestExpandMergeRerun reruns expansions loaded with strategy merge: an
// unchanged source changes nothing; a count that grows adds the new
// ordinals; one that shrinks, with delete_missing, deletes the ordinals
// beyond it.
func TestExpandMergeRerun(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "clinics", clinicsScript)
	yaml := fmt.Sprintf(`version: 1
sources:
  src: {url: %q}
target: {url: %q}
defaults:
  naming: snake_case
  keys: uuid
  strategy: merge
  delete_missing: true
tables:
  src.Clinics:
    expand:
      chairs: {count: NumChairs, ordinal: chair_no}
`, src, sluicetest.NewPostgresDB(t))
	newEnv(t, yaml).mustRun(t, migrate.Options{})
	total := func() int64 {
		var n int64
		for _, r := range sourceRows(t, src, "SELECT coalesce(NumChairs, 0) FROM Clinics") {
			n += atoi(t, r)
		}
		return n
	}
	n := total()

	e := newEnv(t, yaml)
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	wantCounts(t, sum, "src.Clinics#chairs", 7, 0, 0, n, 0)

	execSQLite(t, src, `UPDATE Clinics SET NumChairs = 6 WHERE Id = 1; UPDATE Clinics SET NumChairs = 1 WHERE Id = 4`)
	e = newEnv(t, yaml)
	sum = e.mustRun(t, migrate.Options{Verify: allLevels})
	// clinic 1: 3 -> 6 chairs, 3 new; clinic 4: 5 -> 1, 4 gone.
	wantCounts(t, sum, "src.Clinics#chairs", 7, 3, 0, total()-3, 4)
	if got := e.int64(t, `SELECT count(*) FROM public.chairs`); got != total() {
		t.Errorf("chairs holds %d rows, want %d", got, total())
	}
	sameSet(t, "chairs of clinics 1 and 4", e.rows(t, `SELECT p.legacy_id, c.chair_no FROM public.chairs c
		JOIN public.clinics p ON p.id = c.clinics_id WHERE p.legacy_id IN (1, 4)`),
		[]string{"1|1", "1|2", "1|3", "1|4", "1|5", "1|6", "4|1"})
}

// TestMatchOnComputedColumn matches on a column one source computes (a
// normalised MRN) and the other renames; a column the second lacks gets
// its typed fill.
func TestMatchOnComputedColumn(t *testing.T) {
	t.Parallel()
	east := newSQLite(t, "east", `CREATE TABLE Patients (Id INTEGER PRIMARY KEY, RawMRN TEXT NOT NULL, Name TEXT, Visits INTEGER);
INSERT INTO Patients VALUES (1, ' m1 ', 'Ann', 4), (2, 'm2', 'Bo', NULL);`)
	west := newSQLite(t, "west", `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, Code TEXT NOT NULL, Name TEXT);
INSERT INTO Patient VALUES (7, 'M1', 'Ann W'), (8, 'M3', 'Cy');`)
	e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
tables:
  east.Patients:
    columns: {RawMRN: {drop: true}}
    computed:
      mrn: {expr: 'upper(trim(RawMRN))'}
  west.Patient:
    columns: {Code: {name: mrn}}
    fill: {visits: "0"}
  patients:
    from: [east.Patients, west.Patient]
    match_on: [mrn]
`, east, west, sluicetest.NewPostgresDB(t)))
	e.mustRun(t, migrate.Options{Verify: allLevels})
	sameSet(t, "patients", e.rows(t, `SELECT id::text, mrn, source, legacy_id, name, coalesce(visits::text, '<NULL>') FROM public.patients`), []string{
		keyUUID(t, e.plan.Namespace, "match", "patients", "M1") + "|M1|east|1|Ann|4",
		keyUUID(t, e.plan.Namespace, "match", "patients", "M2") + "|M2|east|2|Bo|<NULL>",
		keyUUID(t, e.plan.Namespace, "match", "patients", "M3") + "|M3|west|8|Cy|0",
	})
	if n := e.int64(t, `SELECT count(*) FROM sluice.legacy_keys WHERE entity = $1`, keyUUID(t, e.plan.Namespace, "match", "patients", "M1")); n != 2 {
		t.Errorf("M1 has %d legacy keys, want 2", n)
	}
}

// TestResolveMatchAcrossDatabasesRefused: a reference to a table merged on
// a natural key in another target database cannot be resolved (the legacy
// keys live in that database); planning says so.
func TestResolveMatchAcrossDatabasesRefused(t *testing.T) {
	t.Parallel()
	east := newSQLite(t, "east", `CREATE TABLE Patients (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL);
CREATE TABLE Visits (Id INTEGER PRIMARY KEY, PatientId INTEGER REFERENCES Patients (Id));`)
	west := newSQLite(t, "west", `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL);`)
	cfg, err := config.Parse(strings.NewReader(fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
targets:
  clinical: {url: "postgres://nobody@127.0.0.1:1/clinical"}
  billing: {url: "postgres://nobody@127.0.0.1:1/billing"}
defaults:
  keys: uuid
tables:
  east.Visits: {database: billing}
  patients:
    from: [east.Patients, west.Patient]
    match_on: [mrn]
`, east, west)), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	prep, err := engines.Prepare(context.Background(), cfg)
	if err == nil {
		prep.Sources.Close()
		t.Fatal("a reference from billing to a table matched in clinical was planned")
	}
	if !strings.Contains(err.Error(), "east.Visits") || !strings.Contains(err.Error(), "patients") {
		t.Errorf("the error does not name the referencing table and the merged table: %v", err)
	}
}

// TestRematchAfterKeyChange: a source row whose natural key changes moves to
// the entity of its new key: its legacy key follows, and so does a foreign
// key that pointed at it (the referencing table is loaded with merge).
func TestRematchAfterKeyChange(t *testing.T) {
	t.Parallel()
	east := newSQLite(t, "east", `CREATE TABLE Patients (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT);
INSERT INTO Patients VALUES (1, 'M1', 'Ann'), (2, 'M2', 'Bo');`)
	west := newSQLite(t, "west", `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT);
CREATE TABLE Visits (Id INTEGER PRIMARY KEY, PatientId INTEGER NOT NULL REFERENCES Patient (Id), Day TEXT);
INSERT INTO Patient VALUES (7, 'M1', 'Ann W');
INSERT INTO Visits VALUES (1, 7, 'mon');`)
	yaml := fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
defaults:
  keys: uuid
  strategy: merge
tables:
  patients:
    from: [east.Patients, west.Patient]
    match_on: [mrn]
`, east, west, sluicetest.NewPostgresDB(t))
	e := newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: allLevels})
	m := func(mrn string) string { return keyUUID(t, e.plan.Namespace, "match", "patients", mrn) }
	if got := e.text(t, `SELECT patient_id::text FROM public.visits`); got != m("M1") {
		t.Errorf("the visit references %s, want M1's row %s", got, m("M1"))
	}

	execSQLite(t, west, `UPDATE Patient SET MRN = 'M9' WHERE Id = 7`)
	e = newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: allLevels})
	sameSet(t, "patients", e.rows(t, `SELECT id::text, mrn, source, legacy_id, name FROM public.patients`), []string{
		m("M1") + "|M1|east|1|Ann", m("M2") + "|M2|east|2|Bo", m("M9") + "|M9|west|7|Ann W"})
	if got := e.text(t, `SELECT entity::text FROM sluice.legacy_keys WHERE source = 'west'`); got != m("M9") {
		t.Errorf("west's legacy key 7 points at %s, want M9's row %s", got, m("M9"))
	}
	if got := e.text(t, `SELECT patient_id::text FROM public.visits`); got != m("M9") {
		t.Errorf("after its patient moved to M9 the visit references %s, want %s", got, m("M9"))
	}
	verifyClean(t, e)
}

// TestOwnerRematchAfterKeyChange: the row that owns an entity changes its
// natural key. It moves to the entity of its new key, and the entity it
// left is then owned by the other source's row still matched to it.
func TestOwnerRematchAfterKeyChange(t *testing.T) {
	t.Parallel()
	east, _, yaml := twoClinics(t, "")
	newEnv(t, yaml).mustRun(t, migrate.Options{})
	execSQLite(t, east, `UPDATE Patients SET MRN = 'M5' WHERE Id = 1`)
	e := newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: allLevels})
	m := func(mrn string) string { return keyUUID(t, e.plan.Namespace, "match", "patients", mrn) }
	sameSet(t, "patients", e.rows(t, `SELECT id::text, mrn, source, legacy_id, name FROM public.patients`), []string{
		m("M5") + "|M5|east|1|Ann", m("M2") + "|M2|east|2|Bo", m("M1") + "|M1|west|7|Ann W"})
	sameSet(t, "legacy keys", e.rows(t, `SELECT source, legacy_key, entity::text FROM sluice.legacy_keys`), []string{
		"east|1|" + m("M5"), "east|2|" + m("M2"), "west|7|" + m("M1")})
	verifyClean(t, e)
}

// TestMergedAppend: a merged table with strategy append inserts the
// entities it does not hold yet and changes none it holds; a new source row
// matching a held entity adds its legacy key, so references to it resolve.
func TestMergedAppend(t *testing.T) {
	t.Parallel()
	east, west, yaml := twoClinics(t, "    strategy: append\n")
	newEnv(t, yaml).mustRun(t, migrate.Options{})
	execSQLite(t, east, `UPDATE Patients SET Name = 'Ann Changed' WHERE Id = 1; INSERT INTO Patients VALUES (3, 'M3', 'Cy')`)
	execSQLite(t, west, `INSERT INTO Patient VALUES (8, 'M2', 'Bo W'), (9, 'M4', 'Di')`)
	e := newEnv(t, yaml)
	sum := e.mustRun(t, migrate.Options{})
	m := func(mrn string) string { return keyUUID(t, e.plan.Namespace, "match", "patients", mrn) }
	wantCounts(t, sum, "east.Patients", 3, 1, 0, 2, 0)
	sameSet(t, "patients", e.rows(t, `SELECT mrn, source, legacy_id, name FROM public.patients`), []string{
		"M1|east|1|Ann", "M2|east|2|Bo", "M3|east|3|Cy", "M4|west|9|Di"})
	sameSet(t, "legacy keys", e.rows(t, `SELECT source, legacy_key, entity::text FROM sluice.legacy_keys`), []string{
		"east|1|" + m("M1"), "east|2|" + m("M2"), "east|3|" + m("M3"), "west|7|" + m("M1"), "west|8|" + m("M2"), "west|9|" + m("M4")})
	verifyClean(t, e)
}

// TestExpandMatchedParent expands rows of a source that feeds a table merged
// on a natural key: each child references its parent's matched row, also
// where the other source owns it.
func TestExpandMatchedParent(t *testing.T) {
	t.Parallel()
	east := newSQLite(t, "east", `CREATE TABLE Clinics (Id INTEGER PRIMARY KEY, Code TEXT NOT NULL, NumChairs INTEGER);
INSERT INTO Clinics VALUES (1, 'C1', 2), (2, 'C2', 1), (3, 'C3', 0);`)
	west := newSQLite(t, "west", `CREATE TABLE Clinic (Id INTEGER PRIMARY KEY, Code TEXT NOT NULL);
INSERT INTO Clinic VALUES (5, 'C2'), (6, 'C9');`)
	e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
tables:
  east.Clinics:
    expand:
      chairs: {count: NumChairs, parent: clinic_id}
  clinics:
    from: [west.Clinic, east.Clinics]
    match_on: [code]
`, east, west, sluicetest.NewPostgresDB(t)))
	e.mustRun(t, migrate.Options{Verify: allLevels})
	sameSet(t, "clinics", e.rows(t, `SELECT code, source, legacy_id FROM public.clinics`),
		[]string{"C1|east|1", "C2|west|5", "C3|east|3", "C9|west|6"})
	sameSet(t, "chairs", e.rows(t, `SELECT c.code, ch.ordinal FROM public.chairs ch JOIN public.clinics c ON c.id = ch.clinic_id`),
		[]string{"C1|1", "C1|2", "C2|1"})
	if n := e.int64(t, `SELECT count(*) FROM public.chairs`); n != 3 {
		t.Errorf("chairs holds %d rows, want 3", n)
	}
	verifyClean(t, e)
}

// twoClinics writes two SQLite patient tables, east's M1 and M2 and west's
// M1, and a config merging them on the MRN into one target table, with
// extra appended to the merged table's rule.
func twoClinics(t *testing.T, extra string) (east, west, yaml string) {
	t.Helper()
	east = newSQLite(t, "east", `CREATE TABLE Patients (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT);
INSERT INTO Patients VALUES (1, 'M1', 'Ann'), (2, 'M2', 'Bo');`)
	west = newSQLite(t, "west", `CREATE TABLE Patient (Id INTEGER PRIMARY KEY, MRN TEXT NOT NULL, Name TEXT);
INSERT INTO Patient VALUES (7, 'M1', 'Ann W');`)
	yaml = fmt.Sprintf(`version: 1
sources:
  east: {url: %q}
  west: {url: %q}
target: {url: %q}
tables:
  patients:
    from: [east.Patients, west.Patient]
    match_on: [mrn]
`, east, west, sluicetest.NewPostgresDB(t)) + extra
	return east, west, yaml
}
