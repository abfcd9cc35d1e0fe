package demo

import (
	"fmt"
	"math/rand/v2"
)

// clinicWestDB is the patient system of the west clinic, which joined the
// group later. Its Patient table holds the same kind of data as
// clinical.Patients, designed by other people: other column names, a wider
// phone number, sex as an ISO 5218 code, a preferred language clinical does
// not record, a pager number nobody uses any more, and no notes, no active
// flag and no clinic.
func clinicWestDB(p plan) database {
	return database{name: "clinic_west", tables: []table{westPatientTable(p)}}
}

// The columns of clinic_west.Patient, in order.
const (
	westNo = iota
	westMRN
	westGiven
	westFamily
	westDOB
	westSex
	westEmail
	westPhone
	westLanguage
	westPager
	westRegistered
	westColumns
)

// ISO 5218 sex codes.
const (
	sexUnknown = 0
	sexMale    = 1
	sexFemale  = 2
	sexNA      = 9
)

func westPatientTable(p plan) table {
	r := tableRand("clinic_west", "Patient")
	east := newEastReplay(p)
	return table{
		name: "Patient",
		ddl: `CREATE TABLE Patient (
	PatientNo INTEGER NOT NULL PRIMARY KEY,
	MedicalRecordNo VARCHAR(12) NOT NULL,
	GivenName NVARCHAR(50) NOT NULL,
	FamilyName NVARCHAR(50) NOT NULL,
	DOB DATE NULL,
	Sex INTEGER NOT NULL DEFAULT 0,
	EmailAddress NVARCHAR(120) NULL,
	PhoneNumber VARCHAR(60) NULL,
	PreferredLanguage NVARCHAR(30) NULL,
	PagerNo VARCHAR(20) NULL,
	RegisteredOn DATETIME NOT NULL
);
CREATE INDEX IX_Patient_MedicalRecordNo ON Patient (MedicalRecordNo)`,
		columns: []string{"PatientNo", "MedicalRecordNo", "GivenName", "FamilyName", "DOB", "Sex",
			"EmailAddress", "PhoneNumber", "PreferredLanguage", "PagerNo", "RegisteredOn"},
		rows: p.west.patients,
		row: func(i int, a []any) {
			n, shared := p.west.mrnOf(i), p.west.shared[i]
			a[westNo], a[westMRN] = i+1, mrn(n)
			if shared.id == 0 {
				newWestPatient(r, n, a)
			} else {
				copyPatient(r, east.patient(shared.id), shared.newPhone, a)
			}
			a[westLanguage] = orNull(r, 40, pick(r, languages))
			a[westPager] = orNull(r, 80, fmt.Sprintf("PG-%05d", r.IntN(100_000)))
			a[westRegistered] = randomDateTime(r, 2012, 2024)
		},
	}
}

// newWestPatient fills the person of a patient only the west clinic knows,
// whose MRN is number n.
func newWestPatient(r *rand.Rand, n int, a []any) {
	first, last := pick(r, firstNames), pick(r, lastNames)
	a[westGiven], a[westFamily] = first, last
	a[westDOB] = orNull(r, 3, randomDate(r, 1930, 2022))
	a[westSex] = int64(pick(r, []int{sexFemale, sexMale, sexFemale, sexMale, sexUnknown, sexNA}))
	a[westEmail] = orNull(r, 30, email(r, first, last, n))
	a[westPhone] = orNull(r, 20, phone(r))
}

// copyPatient copies the person of clinical's patient row c: the same
// name, birth date, sex and e-mail, and the same phone number unless it
// changed since.
func copyPatient(r *rand.Rand, c []any, newPhone bool, a []any) {
	a[westGiven], a[westFamily], a[westDOB] = c[patFirst], c[patLast], c[patBirth]
	a[westSex], a[westEmail], a[westPhone] = sexCode(c[patGender]), c[patEmail], c[patPhone]
	for newPhone && a[westPhone] == c[patPhone] {
		a[westPhone] = phone(r)
	}
}

// sexCode is clinical's Gender letter as an ISO 5218 code.
func sexCode(gender any) int64 {
	switch gender {
	case "F":
		return sexFemale
	case "M":
		return sexMale
	}
	return sexUnknown
}

// eastReplay replays clinical.Patients' random stream to learn who a shared
// patient is, without holding clinical's rows: the west clinic's shared
// patients come in increasing PatientID order, so one pass suffices.
type eastReplay struct {
	r    *rand.Rand
	p    plan
	next int // the PatientID patientRow draws next
	row  []any
}

func newEastReplay(p plan) *eastReplay {
	return &eastReplay{r: tableRand("clinical", "Patients"), p: p, next: 1, row: make([]any, patColumns)}
}

// patient returns clinical's row of patient id (before any bad value is
// planted; shared patients have none). id must not decrease between calls.
func (e *eastReplay) patient(id int) []any {
	for ; e.next <= id; e.next++ {
		patientRow(e.r, e.p, e.next, e.row)
	}
	return e.row
}
