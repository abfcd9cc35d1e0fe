package demo

import "strconv"

// badKind is the kind of planted value a patient holds, if any.
type badKind uint8

const (
	badNone     badKind = iota
	badZeroDate         // BirthDate '0000-00-00', as MySQL and Access exports leave them
	badUTF8             // Notes holding bytes that are not UTF-8 (a Latin-1 or DOS era import)
	badFlag             // IsActive 2 in a TINYINT(1) flag
)

// invalidNotes are the planted Notes, as raw bytes. Each holds a byte
// sequence that is not UTF-8, the way text pasted from a Latin-1 system is.
var invalidNotes = []struct {
	raw []byte
	why string
}{
	{[]byte("Imported from paper chart: caf\xc3\x28 allergy"), "invalid UTF-8: byte 0xC3 followed by 0x28"},
	{[]byte("Pr\xe9f\xe8re le fran\xe7ais"), "invalid UTF-8: Latin-1 byte 0xE9"},
	{[]byte("Scanned note \xff\xfe damaged"), "invalid UTF-8: bytes 0xFF 0xFE"},
}

// badPlan says which patients hold a bad value. Bad patients are spread
// evenly, one bad value each, and get no visits: a rejected patient leaves
// no dangling reference behind, so everything else migrates cleanly.
type badPlan struct {
	kinds []badKind // indexed by PatientID; 0 is unused
}

// newBadPlan plants about one bad value per 1000 patients of each kind, and
// at least three of each.
func newBadPlan(patients int) badPlan {
	perKind := max(3, patients/1000)
	total := 3 * perKind
	b := badPlan{kinds: make([]badKind, patients+1)}
	for j := range total {
		id := 1 + (2*j+1)*patients/(2*total)
		b.kinds[id] = badKind(j%3 + 1)
	}
	return b
}

func (b badPlan) kind(patientID int) badKind { return b.kinds[patientID] }

// goodPatient moves a random patient ID to the next one without a bad value.
func (b badPlan) goodPatient(id int) int {
	n := len(b.kinds) - 1
	for b.kinds[id] != badNone {
		id = id%n + 1
	}
	return id
}

// goodPatients lists the patients without a bad value, in PatientID order.
func (b badPlan) goodPatients() []int {
	var ids []int
	for id, k := range b.kinds[1:] {
		if k == badNone {
			ids = append(ids, id+1)
		}
	}
	return ids
}

// notes returns the planted Notes of the bad patient with this ID.
func (b badPlan) notes(patientID int) ([]byte, string) {
	n := invalidNotes[patientID%len(invalidNotes)]
	return n.raw, n.why
}

// rows lists every planted value, in PatientID order.
func (b badPlan) rows() []BadRow {
	var out []BadRow
	for id, k := range b.kinds {
		if k == badNone {
			continue
		}
		out = append(out, b.row(id, k))
	}
	return out
}

func (b badPlan) row(id int, k badKind) BadRow {
	r := BadRow{Source: "clinical", Table: "Patients", Key: strconv.Itoa(id)}
	switch k {
	case badZeroDate:
		r.Column, r.Why = "BirthDate", "zero date 0000-00-00 in a DATE column"
	case badUTF8:
		_, why := b.notes(id)
		r.Column, r.Why = "Notes", why
	case badFlag:
		r.Column, r.Why = "IsActive", "TINYINT(1) flag holds 2, neither true nor false"
	}
	return r
}
