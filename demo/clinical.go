package demo

import (
	"fmt"
	"math/rand/v2"
)

// clinicalDB is the clinic system: clinics, their clinicians, patients,
// visits and the prescriptions written at them.
func clinicalDB(p plan) database {
	return database{name: "clinical", tables: []table{
		clinicsTable(p), cliniciansTable(p), patientsTable(p), visitsTable(p), prescriptionsTable(p),
	}}
}

func clinicsTable(p plan) table {
	r := tableRand("clinical", "Clinics")
	return table{
		name: "Clinics",
		// NumRooms is an aggregate the new platform wants as rows, one per
		// room: sluice.yaml expands it into clinic_rooms.
		ddl: `CREATE TABLE Clinics (
	ClinicID INTEGER NOT NULL PRIMARY KEY,
	Name NVARCHAR(100) NOT NULL,
	City NVARCHAR(60) NOT NULL,
	Phone NVARCHAR(30) NULL,
	OpenedOn DATE NULL,
	NumRooms INTEGER NULL
)`,
		columns: []string{"ClinicID", "Name", "City", "Phone", "OpenedOn", "NumRooms"},
		rows:    p.clinics,
		row: func(i int, a []any) {
			city := pick(r, cities)
			a[0], a[1], a[2] = i+1, city+" "+pick(r, clinicKinds), city
			a[3], a[4] = orNull(r, 10, phone(r)), orNull(r, 20, randomDate(r, 1975, 2015))
			a[5] = int64(between(r, 1, 8))
			if i%5 == 2 {
				a[5] = nil // never recorded, as on every fifth clinic: no rooms
			}
		},
	}
}

func cliniciansTable(p plan) table {
	r := tableRand("clinical", "Clinicians")
	return table{
		name: "Clinicians",
		ddl: `CREATE TABLE Clinicians (
	ClinicianID INTEGER NOT NULL PRIMARY KEY,
	ClinicID INTEGER NOT NULL REFERENCES Clinics (ClinicID),
	SupervisorID INTEGER NULL REFERENCES Clinicians (ClinicianID),
	Title NVARCHAR(10) NOT NULL,
	FirstName NVARCHAR(50) NOT NULL,
	LastName NVARCHAR(50) NOT NULL,
	LicenseNo NVARCHAR(20) NULL,
	PasswordHash NVARCHAR(32) NULL,
	IsActive TINYINT(1) NOT NULL DEFAULT 1,
	HiredOn DATE NULL
)`,
		columns: []string{"ClinicianID", "ClinicID", "SupervisorID", "Title", "FirstName",
			"LastName", "LicenseNo", "PasswordHash", "IsActive", "HiredOn"},
		rows: p.clinicians,
		row: func(i int, a []any) {
			id := i + 1
			// The first clinician of each clinic heads it; the others report to a head.
			a[0], a[1], a[2] = id, id, nil
			if id > p.clinics {
				head := between(r, 1, p.clinics)
				a[1], a[2] = head, head
			}
			a[3], a[4], a[5] = pick(r, titles), pick(r, firstNames), pick(r, lastNames)
			a[6] = orNull(r, 15, fmt.Sprintf("LIC-%07d", r.IntN(10_000_000)))
			a[7] = orNull(r, 30, fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()))
			a[8], a[9] = flag(r, 90), orNull(r, 5, randomDate(r, 1990, 2023))
		},
	}
}

// The columns of clinical.Patients, in order.
const (
	patID = iota
	patMRN
	patClinic
	patFirst
	patLast
	patBirth
	patGender
	patActive
	patEmail
	patPhone
	patNotes
	patCreated
	patColumns
)

func patientsTable(p plan) table {
	r := tableRand("clinical", "Patients")
	return table{
		name: "Patients",
		ddl: `CREATE TABLE Patients (
	PatientID INTEGER NOT NULL PRIMARY KEY,
	MRN NVARCHAR(12) NOT NULL,
	ClinicID INTEGER NOT NULL REFERENCES Clinics (ClinicID),
	FirstName NVARCHAR(50) NOT NULL,
	LastName NVARCHAR(50) NOT NULL,
	BirthDate DATE NULL,
	Gender CHAR(1) NULL,
	IsActive TINYINT(1) NULL,
	Email NVARCHAR(120) NULL,
	Phone NVARCHAR(30) NULL,
	Notes TEXT NULL,
	CreatedAt DATETIME NOT NULL
);
CREATE INDEX IX_Patients_LastName ON Patients (LastName);
CREATE INDEX IX_Patients_MRN ON Patients (MRN)`,
		columns: []string{"PatientID", "MRN", "ClinicID", "FirstName", "LastName", "BirthDate",
			"Gender", "IsActive", "Email", "Phone", "Notes", "CreatedAt"},
		rawText: "Notes",
		rows:    p.patients,
		row: func(i int, a []any) {
			patientRow(r, p, i+1, a)
			plantBad(p.bad, i+1, a)
		},
	}
}

// patientRow fills a with patient id. It draws from r the same way for
// every patient, so that replaying the stream (see eastReplay) gives the
// same patients.
func patientRow(r *rand.Rand, p plan, id int, a []any) {
	first, last := pick(r, firstNames), pick(r, lastNames)
	a[patID], a[patMRN], a[patClinic] = id, mrn(id), between(r, 1, p.clinics)
	a[patFirst], a[patLast] = first, last
	a[patBirth] = orNull(r, 3, randomDate(r, 1930, 2022))
	a[patGender] = orNull(r, 4, pick(r, []string{"F", "M", "F", "M", "U"}))
	a[patActive] = orNull(r, 2, flag(r, 85))
	a[patEmail] = orNull(r, 30, email(r, first, last, id))
	a[patPhone] = orNull(r, 20, phone(r))
	a[patNotes] = orNull(r, 65, pick(r, patientNotes))
	a[patCreated] = randomDateTime(r, 2003, 2024)
}

// plantBad overwrites one column of a bad patient with its planted value.
func plantBad(b badPlan, id int, a []any) {
	switch b.kind(id) {
	case badZeroDate:
		a[patBirth] = "0000-00-00"
	case badUTF8:
		a[patNotes], _ = b.notes(id)
	case badFlag:
		a[patActive] = int64(2)
	}
}

func visitsTable(p plan) table {
	r := tableRand("clinical", "Visits")
	return table{
		name: "Visits",
		ddl: `CREATE TABLE Visits (
	VisitID INTEGER NOT NULL PRIMARY KEY,
	PatientID INTEGER NOT NULL REFERENCES Patients (PatientID),
	ClinicianID INTEGER NOT NULL REFERENCES Clinicians (ClinicianID),
	VisitDate DATETIME NOT NULL,
	Reason NVARCHAR(200) NULL,
	Status NVARCHAR(12) NOT NULL
);
CREATE INDEX IX_Visits_PatientID ON Visits (PatientID)`,
		columns: []string{"VisitID", "PatientID", "ClinicianID", "VisitDate", "Reason", "Status"},
		rows:    p.visits,
		row: func(i int, a []any) {
			a[0], a[1] = i+1, p.bad.goodPatient(between(r, 1, p.patients))
			a[2], a[3] = between(r, 1, p.clinicians), randomDateTime(r, 2008, 2024)
			a[4], a[5] = orNull(r, 15, pick(r, visitReasons)), pick(r, visitStatuses)
		},
	}
}

func prescriptionsTable(p plan) table {
	r := tableRand("clinical", "Prescriptions")
	return table{
		name: "Prescriptions",
		// DrugID points at pharmacy.Drugs, in another database: SQLite cannot
		// declare it, sluice.yaml does.
		ddl: `CREATE TABLE Prescriptions (
	PrescriptionID INTEGER NOT NULL PRIMARY KEY,
	VisitID INTEGER NOT NULL REFERENCES Visits (VisitID),
	DrugID INTEGER NOT NULL,
	Dose NVARCHAR(60) NOT NULL,
	Quantity INTEGER NOT NULL,
	IsRefill TINYINT(1) NOT NULL DEFAULT 0,
	Instructions NVARCHAR(200) NULL
)`,
		columns: []string{"PrescriptionID", "VisitID", "DrugID", "Dose", "Quantity", "IsRefill", "Instructions"},
		rows:    p.prescriptions,
		row: func(i int, a []any) {
			a[0], a[1], a[2] = i+1, between(r, 1, p.visits), between(r, 1, p.drugs)
			a[3], a[4], a[5] = pick(r, doses), between(r, 1, 90), flag(r, 30)
			a[6] = orNull(r, 50, pick(r, instructions))
		},
	}
}

// phone returns a number in one of the formats that years of free-text entry
// leave behind.
func phone(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("(%03d) %03d-%04d", between(r, 201, 989), r.IntN(1000), r.IntN(10000))
	case 1:
		return fmt.Sprintf("%03d.%03d.%04d", between(r, 201, 989), r.IntN(1000), r.IntN(10000))
	case 2:
		return fmt.Sprintf("+44 20 %04d %04d", r.IntN(10000), r.IntN(10000))
	default:
		return fmt.Sprintf("+49 221 %07d", r.IntN(10_000_000))
	}
}

func email(r *rand.Rand, first, last string, id int) string {
	f, l := asciiFold(first), asciiFold(last)
	if l == "" {
		l = "patient"
	}
	if f == "" {
		f = "x"
	}
	return fmt.Sprintf("%s.%s%d@%s", f, l, id, pick(r, emailDomains))
}
