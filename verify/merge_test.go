package verify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// eastSQL and westSQL are two clinics' databases: patients known to both
// (MRN A1 and C3) or to one, visits of each, and the east's clinics with
// their rooms (a count) and tags (a list).
const eastSQL = `
CREATE TABLE Patients (PatientID INT PRIMARY KEY, MRN VARCHAR(20) NOT NULL, Name VARCHAR(100) NOT NULL, Phone VARCHAR(30) NULL);
INSERT INTO Patients VALUES (1, 'A1', 'Ada', '111'), (2, 'B2', 'Bob', NULL), (3, 'C3', 'Cy', '333'), (4, 'E5', 'Eve', '555');
CREATE TABLE Visits (VisitID INT PRIMARY KEY, Reason VARCHAR(50) NOT NULL);
INSERT INTO Visits VALUES (1, 'flu'), (2, 'check'), (3, 'cough');
CREATE TABLE Clinics (ClinicID INT PRIMARY KEY, Name VARCHAR(50) NOT NULL, NumRooms INT NULL, Tags VARCHAR(100) NULL);
INSERT INTO Clinics VALUES (7, 'North', 5, 'a;b'), (8, 'South', 0, NULL), (9, 'East', 2, 'x'), (10, 'West', NULL, 'p;q;r');
`

const westSQL = `
CREATE TABLE Patient (Id INT PRIMARY KEY, Mrn VARCHAR(20) NOT NULL, FullName VARCHAR(100) NOT NULL, Email VARCHAR(100) NULL);
INSERT INTO Patient VALUES (10, 'A1', 'Ada L', 'ada@x'), (11, 'D4', 'Dee', 'dee@x'), (12, 'C3', 'Cy', NULL);
CREATE TABLE Visit (Id INT PRIMARY KEY, Reason VARCHAR(50) NOT NULL);
INSERT INTO Visit VALUES (1, 'fever'), (5, 'rash');
`

// clinicsYAML loads the east's clinics with a strategy and expands them
// into rooms and tags.
const clinicsYAML = `defaults: {naming: snake_case, keys: uuid, chunk_rows: 2}
tables:
  east.Clinics:
    strategy: %s
    expand:
      rooms: {count: NumRooms, ordinal: room_no, parent: clinic_id}
      tags: {list: Tags, separator: ";", value: tag, parent: clinic_id}
`

// clinics migrates the east's clinics with strategy merge and returns the
// env and the source.
func clinics(t *testing.T) (*multiEnv, string) { return clinicsWith(t, "merge") }

func clinicsWith(t *testing.T, strategy string) (*multiEnv, string) {
	t.Helper()
	east := mysqlSource(t, eastSQL)
	e := migratedAll(t, yamlOf(map[string]string{"east": east}, [][2]string{{"clinical", sluicetest.NewPostgresDB(t)}},
		fmt.Sprintf(clinicsYAML, strategy)))
	return e, east
}

// deleteMissing sets delete_missing on the tables of p with these IDs, as a
// config that asks for it would (the target not loaded again since).
func deleteMissing(p *plan.Plan, ids ...string) {
	for _, id := range ids {
		p.Table(id).DeleteMissing = true
	}
}

// TestMergeKeepsRowsWhoseSourceIsGone: a merge keeps a target row whose
// source row was deleted since, the children of that row, and the children
// a row no longer makes (its count went down): without delete_missing they
// are counted in the details, not findings; with it, each is a finding.
func TestMergeKeepsRowsWhoseSourceIsGone(t *testing.T) {
	t.Parallel()
	e, east := clinics(t)
	clean(t, e.verify(t))
	sourceExec(t, east, "DELETE FROM Clinics WHERE ClinicID IN (8, 9); UPDATE Clinics SET NumRooms = 3 WHERE ClinicID = 7")
	migratedAll(t, e.yaml) // merges clinic 7's new count, keeps the rest
	r := e.verify(t)
	clean(t, r)
	for _, want := range []struct {
		table  string
		level  int
		detail string
	}{
		{"east.Clinics", 1, "source 2 = loaded 2 + rejected 0 + filtered 0; 2 rows kept whose source row is gone"},
		{"east.Clinics", 6, "2 rows in 2 chunks compared value by value; 0 rejected by the mapping; 2 rows kept whose source row is gone"},
		{"east.Clinics#rooms", 1, "2 source rows (0 rejected, 0 filtered) make 3 rows; the target holds 7; 4 rows kept whose source row is gone"},
		{"east.Clinics#rooms", 6, "3 rows in 2 chunks compared value by value; 0 rejected by the mapping; 4 rows kept whose source row is gone"},
		{"east.Clinics#tags", 6, "5 rows in 2 chunks compared value by value; 0 rejected by the mapping; 1 row kept whose source row is gone"},
	} {
		if got := detail(t, r, want.table, want.level); got != want.detail {
			t.Errorf("%s level %d: %q, want %q", want.table, want.level, got, want.detail)
		}
	}
	// The person reading the text report is told too, not only --json.
	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0 findings, 7 rows kept whose source row is gone", "Rows kept: 7 rows in the target whose source row is gone"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text report lacks %q:\n%s", want, text.String())
		}
	}
	deleteMissing(e.plan, "east.Clinics", "east.Clinics#rooms", "east.Clinics#tags")
	r = e.verify(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 1, Check: "counts", Table: "east.Clinics", SourceValue: "2", TargetValue: "4"})
	has(t, r, verify.Finding{Level: 5, Check: "extra key", Table: "east.Clinics", LegacyKey: "8", Key: keyUUIDOf("east", "Clinics", int64(8))})
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "east.Clinics", LegacyKey: "9", Key: keyUUIDOf("east", "Clinics", int64(9))})
	has(t, r, verify.Finding{Level: 1, Check: "counts", Table: "east.Clinics#rooms", SourceValue: "0", TargetValue: "2"})
	has(t, r, verify.Finding{Level: 1, Check: "children", Table: "east.Clinics#rooms", LegacyKey: "7",
		Key: keyUUIDOf("east", "Clinics", int64(7)), SourceValue: "3", TargetValue: "5"})
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "east.Clinics#rooms", LegacyKey: "7", Key: roomUUID(7, 4)})
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "east.Clinics#rooms", Key: roomUUID(9, 2),
		Column: "clinic_id", TargetValue: keyUUIDOf("east", "Clinics", int64(9))})
}

// roomUUID is the UUID of a room: its clinic's key and its ordinal.
func roomUUID(clinic, ordinal int64) string {
	return keyUUIDOf("east", "Clinics#rooms", clinic, ordinal)
}

// TestApplicationRowsIgnored: a row the application inserted into a table
// loaded with merge has no row hash, and is none of verify's business: not
// an extra row, not counted, not an orphan.
func TestApplicationRowsIgnored(t *testing.T) {
	t.Parallel()
	e, _ := clinics(t)
	e.exec(t, "clinical", `INSERT INTO clinics (clinic_id, legacy_id, name) VALUES (gen_random_uuid(), 99, 'app')`,
		`INSERT INTO rooms (id, clinic_id, room_no) VALUES (gen_random_uuid(), '`+keyUUIDOf("east", "Clinics", int64(7))+`', 6)`,
		`INSERT INTO tags (id, clinic_id, ordinal, tag) VALUES (gen_random_uuid(), gen_random_uuid(), 1, 'orphan')`)
	r := e.verify(t)
	clean(t, r)
	if d := detail(t, r, "east.Clinics", verify.LevelCounts); d != "source 4 = loaded 4 + rejected 0 + filtered 0" {
		t.Errorf("level 1: %q", d)
	}
}

// TestExpansionChildren: a child the target lacks and a child no source row
// makes are each found at level 1, by the source row whose count is off,
// and at level 6, by the child row.
func TestExpansionChildren(t *testing.T) {
	t.Parallel()
	e, _ := clinicsWith(t, "create")
	north, east := keyUUIDOf("east", "Clinics", int64(7)), keyUUIDOf("east", "Clinics", int64(9))
	e.exec(t, "clinical", `DELETE FROM rooms WHERE clinic_id = '`+north+`' AND room_no = 3`,
		`INSERT INTO rooms (id, clinic_id, room_no) VALUES ('`+roomUUID(9, 3)+`', '`+east+`', 3)`,
		`UPDATE tags SET tag = 'y' WHERE tag = 'x'`)
	r := e.verify(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelContent)
	has(t, r, verify.Finding{Level: 1, Check: "children", Table: "east.Clinics#rooms", LegacyKey: "7", Key: north,
		SourceValue: "5", TargetValue: "4"})
	has(t, r, verify.Finding{Level: 1, Check: "children", Table: "east.Clinics#rooms", LegacyKey: "9", Key: east,
		SourceValue: "2", TargetValue: "3"})
	has(t, r, verify.Finding{Level: 6, Check: "missing row", Table: "east.Clinics#rooms", LegacyKey: "7", Key: roomUUID(7, 3)})
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "east.Clinics#rooms", LegacyKey: "9", Key: roomUUID(9, 3)})
	has(t, r, verify.Finding{Level: 6, Check: "value", Table: "east.Clinics#tags", LegacyKey: "9",
		Key: keyUUIDOf("east", "Clinics#tags", int64(9), int64(1)), Column: "tag", SourceValue: "x", TargetValue: "y"})
	for _, f := range r.Tables[1].Findings {
		if f.Level == 1 && f.LegacyKey == "7" && f.Detail != "clinics 7 should have 5 rows in rooms, the target holds 4" {
			t.Errorf("level 1 detail: %q", f.Detail)
		}
	}
	if r.Findings != 5 {
		t.Errorf("%d findings, want 5:\n%s", r.Findings, text(t, r))
	}
}

// TestStoredHashChecked: the row hash a merge stores is compared with the
// hash of the source row's values, which proves it right; a value changed
// behind the hash's back is a finding of its own.
func TestStoredHashChecked(t *testing.T) {
	t.Parallel()
	e, _ := clinics(t)
	e.exec(t, "clinical", `UPDATE tags SET sluice_row_hash = '\x00' WHERE tag = 'q'`, `UPDATE rooms SET room_no = 9 WHERE room_no = 5`)
	r := e.verify(t)
	onlyLevels(t, r, verify.LevelContent)
	hasWithoutValues(t, r, verify.Finding{Level: 6, Check: "value", Table: "east.Clinics#tags", LegacyKey: "10",
		Key: keyUUIDOf("east", "Clinics#tags", int64(10), int64(2)), Column: plan.HashColumn, TargetValue: `\x00`})
	has(t, r, verify.Finding{Level: 6, Check: "value", Table: "east.Clinics#rooms", LegacyKey: "7",
		Key: roomUUID(7, 5), Column: "room_no", SourceValue: "5", TargetValue: "9"})
}

// TestCrossDatabaseOrphan: a reference from a table in one target database
// to a table in another has no constraint; CrossReferences finds its
// orphans, by child row, and level 3 of the child leaves it to it.
func TestCrossDatabaseOrphan(t *testing.T) {
	t.Parallel()
	src := mysqlSource(t, `CREATE TABLE Doctors (DoctorID INT PRIMARY KEY, Name VARCHAR(20) NOT NULL);
INSERT INTO Doctors VALUES (1, 'Ann'), (2, 'Ben');
CREATE TABLE Appointments (ApptID INT PRIMARY KEY, DoctorID INT NULL, FOREIGN KEY (DoctorID) REFERENCES Doctors (DoctorID));
INSERT INTO Appointments VALUES (1, 1), (2, 2), (3, 2), (4, NULL);`)
	e := migratedAll(t, yamlOf(map[string]string{"east": src},
		[][2]string{{"clinical", sluicetest.NewPostgresDB(t)}, {"billing", sluicetest.NewPostgresDB(t)}},
		"defaults: {naming: snake_case, keys: uuid}\ntables:\n  east.Appointments: {database: billing}\n"))
	r := e.verifyDB(t, "billing")
	clean(t, r)
	if d := detail(t, r, "east.Appointments", verify.LevelOrphans); d != "1 reference into another target database, checked by CrossReferences" {
		t.Errorf("level 3: %q", d)
	}
	cross := func() *verify.Report {
		r, err := verify.CrossReferences(context.Background(), e.plan, e.dbs, verify.Options{MaxFindings: 1})
		if err != nil {
			t.Fatalf("check references: %v", err)
		}
		return r
	}
	clean(t, cross())
	e.exec(t, "clinical", `DELETE FROM doctors WHERE legacy_id = 2`)
	r = cross()
	ben := keyUUIDOf("east", "Doctors", int64(2))
	has(t, r, verify.Finding{Level: 3, Check: "orphan", Table: "east.Appointments", LegacyKey: "2",
		Key: keyUUIDOf("east", "Appointments", int64(2)), Column: "doctor_id", TargetValue: ben})
	if r.Findings != 2 || len(r.Tables[0].Findings) != 1 {
		t.Errorf("%d findings (%d kept), want 2 (1 kept, MaxFindings):\n%s", r.Findings, len(r.Tables[0].Findings), text(t, r))
	}
}

// TestComputedColumns: a computed value is compared like any other; a row
// whose expression fails is a reject, accounted for when sluice.rejects
// holds it and a finding when it does not.
func TestComputedColumns(t *testing.T) {
	t.Parallel()
	east := mysqlSource(t, eastSQL)
	e := migratedAll(t, yamlOf(map[string]string{"east": east}, [][2]string{{"clinical", sluicetest.NewPostgresDB(t)}},
		`defaults: {naming: snake_case, keys: uuid, chunk_rows: 2}
tables:
  east.Patients:
    computed:
      label: {expr: 'MRN + ": " + Name'}
      phone_digits: {expr: 'len(Phone)', type: integer}
`))
	r := e.verify(t)
	clean(t, r)
	if d := detail(t, r, "east.Patients", verify.LevelCounts); d != "source 4 = loaded 3 + rejected 1 + filtered 0" {
		t.Errorf("level 1: %q", d)
	}
	e.exec(t, "clinical", `UPDATE patients SET label = 'A1 Ada' WHERE legacy_id = 1`,
		`DELETE FROM sluice.rejects WHERE table_id = 'east.Patients'`)
	r = e.verify(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelContent)
	has(t, r, verify.Finding{Level: 6, Check: "value", Table: "east.Patients", LegacyKey: "1",
		Key: keyUUIDOf("east", "Patients", int64(1)), Column: "label", SourceValue: "A1: Ada", TargetValue: "A1 Ada"})
	has(t, r, verify.Finding{Level: 6, Check: "unrecorded reject", Table: "east.Patients", LegacyKey: "2",
		Column: "phone_digits", SourceValue: "Phone=NULL"})
}

// patientsYAML merges the patients of both clinics on their MRN and their
// visits without a natural key.
const patientsYAML = `defaults: {naming: snake_case, keys: uuid, chunk_rows: 2}
tables:
  patients:
    from: [east.Patients, west.Patient]
    match_on: [mrn]
  visits:
    from: [east.Visits, west.Visit]
  west.Patient:
    columns:
      FullName: {name: name}
`

// patients migrates both clinics' patients and visits.
func patients(t *testing.T) (e *multiEnv, east, west string) {
	t.Helper()
	east, west = mysqlSource(t, eastSQL), mysqlSource(t, westSQL)
	e = migratedAll(t, yamlOf(map[string]string{"east": east, "west": west},
		[][2]string{{"clinical", sluicetest.NewPostgresDB(t)}}, patientsYAML))
	return e, east, west
}

// matchUUID is the entity of a natural key of patients.
func matchUUID(mrn string) string { return keyUUIDOf("match", "patients", mrn) }

// TestMatchedParts: patients known to both clinics are one row, owned by
// the east's (the first source); the west's matched rows are checked
// through sluice.legacy_keys. A changed value of an owned row, a lost
// legacy key and a lost entity are found; the email the west gave an
// east-owned row (a column the east lacks) is not a finding.
func TestMatchedParts(t *testing.T) {
	t.Parallel()
	e, _, _ := patients(t)
	r := e.verify(t)
	clean(t, r)
	if d := detail(t, r, "west.Patient", verify.LevelCounts); d != "source 3 = legacy keys 3 + rejected 0 + filtered 0; 1 target row owned by west" {
		t.Errorf("level 1: %q", d)
	}
	e.exec(t, "clinical", `UPDATE patients SET name = 'Zed' WHERE source = 'east' AND legacy_id = '2'`,
		`DELETE FROM sluice.legacy_keys WHERE table_id = 'west.Patient' AND legacy_key = '10'`,
		`DELETE FROM patients WHERE source = 'west' AND legacy_id = '11'`)
	r = e.verify(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 6, Check: "value", Table: "east.Patients", LegacyKey: "2", Key: matchUUID("B2"),
		Column: "name", SourceValue: "Bob", TargetValue: "Zed"})
	has(t, r, verify.Finding{Level: 5, Check: "missing key", Table: "west.Patient", LegacyKey: "10", Key: matchUUID("A1")})
	has(t, r, verify.Finding{Level: 1, Check: "counts", Table: "west.Patient", SourceValue: "3", TargetValue: "2"})
	has(t, r, verify.Finding{Level: 6, Check: "missing row", Table: "west.Patient", LegacyKey: "11", Key: matchUUID("D4")})
	if r.Findings != 4 {
		t.Errorf("%d findings, want 4:\n%s", r.Findings, text(t, r))
	}
}

// TestMatchedPartStaleKeys: a source row deleted since leaves its legacy
// key (and the row it owns) behind: kept without delete_missing, findings
// with it.
func TestMatchedPartStaleKeys(t *testing.T) {
	t.Parallel()
	e, _, west := patients(t)
	sourceExec(t, west, "DELETE FROM Patient WHERE Id IN (11, 12)")
	r := e.verify(t)
	clean(t, r)
	if d := detail(t, r, "west.Patient", verify.LevelCounts); d != "source 1 = legacy keys 1 + rejected 0 + filtered 0; 1 target row owned by west; 2 legacy keys kept whose source row is gone" {
		t.Errorf("level 1: %q", d)
	}
	deleteMissing(e.plan, "west.Patient")
	r = e.verify(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 5, Check: "extra key", Table: "west.Patient", LegacyKey: "12", Key: matchUUID("C3")})
	has(t, r, verify.Finding{Level: 6, Check: "extra row", Table: "west.Patient", LegacyKey: "11", Key: matchUUID("D4")})
}

// TestMergedPartsWithoutMatch: without match_on each source row has its own
// row of the merged table, identified by its own legacy key; each part
// answers for its source's rows only.
func TestMergedPartsWithoutMatch(t *testing.T) {
	t.Parallel()
	e, _, _ := patients(t)
	e.exec(t, "clinical", `UPDATE visits SET reason = 'cold' WHERE source = 'west' AND legacy_id = '1'`,
		`DELETE FROM visits WHERE source = 'east' AND legacy_id = '3'`)
	r := e.verify(t)
	onlyLevels(t, r, verify.LevelCounts, verify.LevelLegacy, verify.LevelContent)
	has(t, r, verify.Finding{Level: 6, Check: "value", Table: "west.Visit", LegacyKey: "1", Key: keyUUIDOf("west", "Visit", int64(1)),
		Column: "reason", SourceValue: "fever", TargetValue: "cold"})
	has(t, r, verify.Finding{Level: 1, Check: "counts", Table: "east.Visits", SourceValue: "3", TargetValue: "2"})
	has(t, r, verify.Finding{Level: 6, Check: "missing row", Table: "east.Visits", LegacyKey: "3", Key: keyUUIDOf("east", "Visits", int64(3))})
	has(t, r, verify.Finding{Level: 5, Check: "missing key", Table: "east.Visits", LegacyKey: "3", Key: keyUUIDOf("east", "Visits", int64(3))})
	for _, tr := range r.Tables {
		if tr.ID == "east.Visits" && tr.Levels[verify.LevelContent].Findings != 1 {
			t.Errorf("east.Visits level 6: %d findings, want 1 (the west's row is not the east's business)", tr.Levels[verify.LevelContent].Findings)
		}
	}
}

// TestResolvedReferencesAndConflicts: a reference to a patient is resolved
// to the patient's entity through sluice.legacy_keys before it is compared,
// as the load resolved it; a manual conflict resolved to the other source's
// value is no finding. A reference left unresolved is.
func TestResolvedReferencesAndConflicts(t *testing.T) {
	t.Parallel()
	east, west := mysqlSource(t, eastSQL+`
CREATE TABLE Appts (ApptID INT PRIMARY KEY, PatientID INT NULL, FOREIGN KEY (PatientID) REFERENCES Patients (PatientID));
INSERT INTO Appts VALUES (1, 1), (2, 3), (3, 2), (4, NULL);`), mysqlSource(t, westSQL)
	url := sluicetest.NewPostgresDB(t)
	e := migratedAll(t, yamlOf(map[string]string{"east": east, "west": west}, [][2]string{{"clinical", url}},
		`defaults: {naming: snake_case, keys: uuid, chunk_rows: 2}
tables:
  patients:
    from: [east.Patients, west.Patient]
    match_on: [mrn]
    manual: true
  west.Patient:
    columns:
      FullName: {name: name}
`))
	clean(t, e.verify(t))
	ctx := context.Background()
	tgt, err := target.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close()
	conflicts, err := tgt.Conflicts(ctx, target.ConflictFilter{Status: target.ConflictOpen})
	if err != nil || len(conflicts) != 1 || conflicts[0].Column != "name" {
		t.Fatalf("conflicts %+v, %v: want the one on A1's name", conflicts, err)
	}
	if _, err := tgt.ResolveConflict(ctx, conflicts[0].ID, target.Resolution{Take: target.TakeOther}); err != nil {
		t.Fatal(err)
	}
	clean(t, e.verify(t)) // A1's name is the west's now, as resolved
	legacy := keyUUIDOf("east", "Patients", int64(3))
	e.exec(t, "clinical", `UPDATE appts SET patient_id = '`+legacy+`' WHERE legacy_id = 2`)
	r := e.verify(t)
	has(t, r, verify.Finding{Level: 6, Check: "value", Table: "east.Appts", LegacyKey: "2", Key: keyUUIDOf("east", "Appts", int64(2)),
		Column: "patient_id", SourceValue: matchUUID("C3"), TargetValue: legacy})
}
