package demo_test

import (
	"database/sql"
	"strconv"
	"testing"

	"github.com/sluicedb/sluice/demo"
)

// TestMatchesAreTheSamePatients joins the two patient tables on the MRN:
// the pairs must be exactly Estate.Matches, each the same person, with
// another phone number exactly where PhoneDiffers says.
func TestMatchesAreTheSamePatients(t *testing.T) {
	est := generate(t, 2000)
	got := joinOnMRN(t, est)
	if len(got) != len(est.Matches) {
		t.Fatalf("%d patients share an MRN, Estate.Matches lists %d", len(got), len(est.Matches))
	}
	differs := 0
	for i, m := range est.Matches {
		if got[i].Match != m {
			t.Errorf("pair %d is %+v, Estate.Matches says %+v", i, got[i].Match, m)
		}
		if !got[i].samePerson {
			t.Errorf("%s: clinical's patient %d and clinic_west's %d are different people", m.MRN, m.PatientID, m.PatientNo)
		}
		if m.PhoneDiffers {
			differs++
		}
	}
	west := est.Rows["clinic_west.Patient"]
	if n := int64(len(est.Matches)); n*100 < west*25 || n*100 > west*35 {
		t.Errorf("%d of %d west patients are shared, want about 30%%", n, west)
	}
	if differs == 0 || differs == len(est.Matches) {
		t.Errorf("%d of %d shared patients have another phone number: the conflict rule needs some, not all", differs, len(est.Matches))
	}
}

type pair struct {
	demo.Match
	samePerson bool
}

// joinOnMRN pairs the two clinics' rows with one MRN, in PatientNo order.
func joinOnMRN(t testing.TB, est *demo.Estate) []pair {
	t.Helper()
	db := attachWest(t, est)
	rows, err := db.Query(`SELECT w.MedicalRecordNo, p.PatientID, w.PatientNo, p.Phone IS NOT w.PhoneNumber,
		p.FirstName = w.GivenName AND p.LastName = w.FamilyName AND p.BirthDate IS w.DOB AND p.Email IS w.EmailAddress
		AND w.Sex = CASE p.Gender WHEN 'F' THEN 2 WHEN 'M' THEN 1 ELSE 0 END
		FROM west.Patient w JOIN Patients p ON p.MRN = w.MedicalRecordNo ORDER BY w.PatientNo`)
	if err != nil {
		t.Fatalf("join the patient tables: %v", err)
	}
	defer rows.Close()
	var out []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.MRN, &p.PatientID, &p.PatientNo, &p.PhoneDiffers, &p.samePerson); err != nil {
			t.Fatalf("join the patient tables: %v", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("join the patient tables: %v", err)
	}
	return out
}

// attachWest opens clinical with clinic_west attached as "west".
func attachWest(t testing.TB, est *demo.Estate) *sql.DB {
	t.Helper()
	db := openDB(t, est.Databases["clinical"])
	if _, err := db.Exec("ATTACH DATABASE ? AS west", "file:"+est.Databases["clinic_west"]+"?mode=ro"); err != nil {
		t.Fatalf("attach clinic_west: %v", err)
	}
	return db
}

// TestMRNIdentifiesOnePatientPerClinic: match_on: [mrn] needs a natural key.
func TestMRNIdentifiesOnePatientPerClinic(t *testing.T) {
	est := generate(t, 2000)
	db := attachWest(t, est)
	for table, col := range map[string]string{"Patients": "MRN", "west.Patient": "MedicalRecordNo"} {
		distinct := count(t, db, "SELECT count(DISTINCT "+col+") FROM "+table)
		if all := count(t, db, "SELECT count(*) FROM "+table); distinct != all {
			t.Errorf("%s: %d distinct MRNs in %d rows", table, distinct, all)
		}
	}
}

// TestNoSharedPatientIsRejected: a rejected clinical row would leave its
// west twin a patient of its own, and the merged count would not be
// clinical + west - shared - rejected.
func TestNoSharedPatientIsRejected(t *testing.T) {
	for _, rows := range []int{demo.MinRows, 2000} {
		est := generate(t, rows)
		bad := map[string]bool{}
		for _, b := range est.BadRows {
			bad[b.Key] = true
		}
		for _, m := range est.Matches {
			if bad[strconv.Itoa(m.PatientID)] {
				t.Errorf("%d patients: shared patient %d holds a bad value", rows, m.PatientID)
			}
		}
		if len(est.Matches) < 3 || !est.Matches[0].PhoneDiffers {
			t.Errorf("%d patients: matches %+v; the demo shows the first, whose phone must differ", rows, est.Matches)
		}
	}
}

// TestNumRoomsIsACountOrNull: expand: count needs 0 or more; the demo
// wants some clinics without the value.
func TestNumRoomsIsACountOrNull(t *testing.T) {
	est := generate(t, 2000)
	db := openDB(t, est.Databases["clinical"])
	if n := count(t, db, "SELECT count(*) FROM Clinics WHERE NumRooms NOT BETWEEN 1 AND 8"); n != 0 {
		t.Errorf("%d clinics have a NumRooms outside 1..8", n)
	}
	nulls := count(t, db, "SELECT count(*) FROM Clinics WHERE NumRooms IS NULL")
	if all := est.Rows["clinical.Clinics"]; nulls == 0 || nulls == all {
		t.Errorf("%d of %d clinics have no NumRooms, want some", nulls, all)
	}
}
