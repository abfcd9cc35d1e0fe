package demo

import (
	"fmt"
	"strings"
)

// The live phase of the demo follows a system that is still in use. SQLite
// keeps no change log, so the clinical system's patients and visits also
// run in MariaDB, in a database the demo owns, and sync follows its binlog
// while the demo changes rows in it (see LiveChanges).

// The live system's size: small, so that its copy takes a moment.
const (
	LivePatients = 100
	LiveVisits   = 200
)

// LiveMark is the comment on the databases the live phase creates, on both
// servers: the demo drops and recreates a database only when it has it, so
// it never drops one it did not create.
const LiveMark = "created by sluice demo; dropped and recreated by each run"

// LiveSource is the live system's name in its config.
const LiveSource = "clinical"

// Statement is one SQL statement with its arguments.
type Statement struct {
	SQL  string
	Args []any
}

// LiveSchema creates the live system's tables, in the style of
// clinical.Patients and clinical.Visits on MariaDB.
var LiveSchema = []Statement{
	{SQL: `CREATE TABLE Patients (
	PatientID INT NOT NULL PRIMARY KEY,
	MRN VARCHAR(12) NOT NULL,
	FirstName VARCHAR(50) NOT NULL,
	LastName VARCHAR(50) NOT NULL,
	BirthDate DATE NULL,
	IsActive TINYINT(1) NULL,
	Phone VARCHAR(30) NULL,
	CreatedAt DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`},
	{SQL: `CREATE TABLE Visits (
	VisitID INT NOT NULL PRIMARY KEY,
	PatientID INT NOT NULL,
	VisitDate DATETIME NOT NULL,
	Reason VARCHAR(200) NULL,
	Status VARCHAR(12) NOT NULL,
	CONSTRAINT FK_Visits_Patients FOREIGN KEY (PatientID) REFERENCES Patients (PatientID)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`},
}

var (
	livePatientColumns = []string{"PatientID", "MRN", "FirstName", "LastName", "BirthDate", "IsActive", "Phone", "CreatedAt"}
	liveVisitColumns   = []string{"VisitID", "PatientID", "VisitDate", "Reason", "Status"}
)

// LiveSeed inserts the live system's rows: the first LivePatients patients
// as the estate's generator makes them (without planted bad values: the
// live phase shows changes arriving, not rejects), and their visits.
func LiveSeed() []Statement {
	p := newPlan(LivePatients)
	r := tableRand("clinical", "Patients")
	patients := make([][]any, LivePatients)
	a := make([]any, patColumns)
	for i := range patients {
		patientRow(r, p, i+1, a)
		patients[i] = []any{a[patID], a[patMRN], a[patFirst], a[patLast], a[patBirth], a[patActive], a[patPhone], a[patCreated]}
	}
	r = tableRand("clinical", "Visits")
	visits := make([][]any, LiveVisits)
	for i := range visits {
		visits[i] = []any{i + 1, between(r, 1, LivePatients), randomDateTime(r, 2008, 2024),
			orNull(r, 15, pick(r, visitReasons)), pick(r, visitStatuses)}
	}
	return []Statement{liveInsert("Patients", livePatientColumns, patients), liveInsert("Visits", liveVisitColumns, visits)}
}

// liveInsert is one multi-row INSERT of rows into table.
func liveInsert(table string, columns []string, rows [][]any) Statement {
	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
	s := Statement{SQL: "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES "}
	for i, row := range rows {
		if i > 0 {
			s.SQL += ", "
		}
		s.SQL += marks
		s.Args = append(s.Args, row...)
	}
	return s
}

// LiveChange is one transaction the demo commits on the live system while
// sync runs, and how to see it on the target.
type LiveChange struct {
	What  string      // the change, as the demo prints it
	Stmts []Statement // one source transaction
	// Check is a query on the target returning one row: the target row's
	// name (its table and key) and its state, which is Want once the change
	// has arrived. No row reads as the state "".
	Check string
	Want  string
}

// The keys the live changes use, past the seed's.
const (
	liveNewPatient  = LivePatients + 1
	liveTxPatient   = LivePatients + 2
	liveUpdated     = 7
	liveDeleted     = 12
	liveFirstNewVis = LiveVisits + 1
)

// LiveChanges are the demo's changes: an insert, an update of a renamed
// and of a cast column, a delete, and a transaction of three rows in two
// tables whose foreign keys become the new patient's UUID.
func LiveChanges() []LiveChange {
	return []LiveChange{
		{
			What: fmt.Sprintf("insert Patients %d", liveNewPatient),
			Stmts: []Statement{{SQL: `INSERT INTO Patients (PatientID, MRN, FirstName, LastName, BirthDate, IsActive, Phone, CreatedAt)
				VALUES (?, ?, 'Amara', 'Okafor', '1990-04-12', 1, '+44 20 7946 0101', '2024-06-03 09:30:00')`,
				Args: []any{liveNewPatient, mrn(liveNewPatient)}}},
			Check: patientCheck(liveNewPatient, `'full_name ' || full_name || ', date_of_birth ' || date_of_birth || ', is_active ' || is_active`),
			Want:  "full_name Amara Okafor, date_of_birth 1990-04-12, is_active true",
		},
		{
			What: fmt.Sprintf("update Patients %d BirthDate, IsActive = 0", liveUpdated),
			Stmts: []Statement{{SQL: `UPDATE Patients SET BirthDate = '1984-03-09', IsActive = 0 WHERE PatientID = ?`,
				Args: []any{liveUpdated}}},
			Check: patientCheck(liveUpdated, `'date_of_birth ' || date_of_birth || ', is_active ' || is_active`),
			Want:  "date_of_birth 1984-03-09, is_active false",
		},
		{
			What:  fmt.Sprintf("delete Visits %d", liveDeleted),
			Stmts: []Statement{{SQL: `DELETE FROM Visits WHERE VisitID = ?`, Args: []any{liveDeleted}}},
			Check: fmt.Sprintf(`SELECT 'visits legacy_id %d', CASE count(*) WHEN 0 THEN 'gone' ELSE 'there' END FROM visits WHERE legacy_id = %[1]d`, liveDeleted),
			Want:  "gone",
		},
		liveTransaction(),
	}
}

// liveTransaction registers a patient and books two visits in one
// transaction: the target gets all three rows in one transaction too, the
// visits pointing at the patient's UUID.
func liveTransaction() LiveChange {
	visit := `INSERT INTO Visits (VisitID, PatientID, VisitDate, Reason, Status) VALUES (?, ?, ?, ?, 'completed')`
	return LiveChange{
		What: fmt.Sprintf("transaction: Patients %d, Visits %d and %d", liveTxPatient, liveFirstNewVis, liveFirstNewVis+1),
		Stmts: []Statement{
			{SQL: `INSERT INTO Patients (PatientID, MRN, FirstName, LastName, BirthDate, IsActive, Phone, CreatedAt)
				VALUES (?, ?, 'Lena', 'Weber', '1957-11-30', 1, NULL, '2024-06-03 09:41:00')`, Args: []any{liveTxPatient, mrn(liveTxPatient)}},
			{SQL: visit, Args: []any{liveFirstNewVis, liveTxPatient, "2024-06-03 09:45:00", "Annual check-up"}},
			{SQL: visit, Args: []any{liveFirstNewVis + 1, liveTxPatient, "2024-06-03 10:10:00", "Blood test"}},
		},
		Check: fmt.Sprintf(`SELECT 'patients ' || left(p.patient_id::text, 8) || '…',
				'full_name ' || p.full_name || ', ' || count(v.visit_id) || ' visits pointing at it'
			FROM patients p LEFT JOIN visits v ON v.patient_id = p.patient_id
			WHERE p.legacy_id = %d GROUP BY p.patient_id, p.full_name`, liveTxPatient),
		Want: "full_name Lena Weber, 2 visits pointing at it",
	}
}

// patientCheck names the target row of patient id and shows state of it.
func patientCheck(id int, state string) string {
	return fmt.Sprintf(`SELECT 'patients ' || left(patient_id::text, 8) || '…', %s FROM patients WHERE legacy_id = %d`, state, id)
}

// LiveConfig is the sluice.yaml of the live phase: the MariaDB system into
// the target, with a renamed column, a computed one and the TINYINT(1) flag
// cast to boolean, as in the estate's config.
func LiveConfig(source, target string) string {
	return `# sluice.yaml of the demo's live phase, written by ` + "`sluice demo`" + `.
#
# The clinical system's patients and visits in MariaDB, whose binlog
# sluice sync follows into PostgreSQL. Try, while you change rows in it:
#   sluice sync --config THIS_FILE       follows the changes until Ctrl-C
#   sluice status --config THIS_FILE     the stream's state, lag and counts

version: 1

sources:
  ` + LiveSource + `:   # the clinical system, as it runs in production
    url: ` + yamlScalar(source) + `

target:
  url: ` + yamlScalar(target) + `
  schema: public

defaults:
  naming: snake_case   # PatientID becomes patient_id
  keys: uuid           # the same UUIDs in the copy and in every change; the old key is legacy_id
                       # (IsActive, a TINYINT(1), becomes the boolean is_active)

tables:
  ` + LiveSource + `.Patients:
    columns:
      BirthDate: {name: date_of_birth}
    computed:
      full_name: {expr: 'FirstName + " " + LastName'}
`
}
