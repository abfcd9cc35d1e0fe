package demo

import "fmt"

// The west clinic joined the group with a patient system of its own. Some of
// its patients were patients of the group's other clinics already: the same
// person, under the same medical record number (the MRN, issued group-wide),
// on file twice. About 30% of the west clinic's patients are such shared
// patients; a third of those have another phone number in the west system
// than in clinical, so that merging the two has a disagreement to settle.

// Match is a patient on file in both clinical.Patients and
// clinic_west.Patient, under the same MRN.
type Match struct {
	MRN       string
	PatientID int // the clinical.Patients row
	PatientNo int // the clinic_west.Patient row
	// PhoneDiffers is set when the west clinic holds another phone number
	// than clinical does (or one where clinical has none).
	PhoneDiffers bool
}

// westPlan says who the west clinic's patients are.
type westPlan struct {
	patients int
	ownMRN   int // the MRN number of the first patient only the west clinic knows
	// shared holds, by west row (PatientNo-1), the clinical patient the row
	// is; its PatientID is 0 for a patient only the west clinic knows.
	shared  []sharedPatient
	matches []Match
}

// sharedPatient is a clinical patient whom the west clinic knows too.
type sharedPatient struct {
	id       int  // clinical's PatientID
	newPhone bool // the west clinic has another phone number
}

// newWestPlan gives the west clinic half as many patients as clinical, and
// makes three of every ten of them clinical patients, spread evenly over
// clinical's. A patient planted with a bad value is never shared: it is
// rejected, so its west row would be a patient of its own, and the counts
// a reader checks would need a footnote.
func newWestPlan(rows int, bad badPlan) westPlan {
	w := westPlan{patients: max(10, rows/2), ownMRN: rows + 1}
	w.shared = make([]sharedPatient, w.patients)
	var rowsShared []int
	for j := range w.patients {
		if j%10 == 1 || j%10 == 4 || j%10 == 7 {
			rowsShared = append(rowsShared, j)
		}
	}
	good := bad.goodPatients()
	for k, j := range rowsShared {
		id := good[(2*k+1)*len(good)/(2*len(rowsShared))]
		w.shared[j] = sharedPatient{id: id, newPhone: k%3 == 0}
		w.matches = append(w.matches, Match{MRN: mrn(id), PatientID: id, PatientNo: j + 1, PhoneDiffers: k%3 == 0})
	}
	return w
}

// mrnOf returns the MRN number of west row j.
func (w westPlan) mrnOf(j int) int {
	if id := w.shared[j].id; id != 0 {
		return id
	}
	return w.ownMRN + j
}

// mrn is the group-wide medical record number n. Clinical's patient n has
// MRN n; the west clinic's own patients have numbers after clinical's.
func mrn(n int) string { return fmt.Sprintf("MRN-%07d", n) }
