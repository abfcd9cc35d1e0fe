package transform

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

func matchUUID(keys ...string) plan.Column {
	return plan.Column{Name: "id", Type: "uuid", NotNull: true, Role: plan.RoleMatchUUID, KeyColumns: keys}
}

func fill(name, typ string, def *string) plan.Column {
	return plan.Column{Name: name, Type: typ, Role: plan.RoleFill, Default: def}
}

var (
	sourceCol = plan.Column{Name: "source", Type: "text", NotNull: true, Role: plan.RoleSource}
	hashCol   = plan.Column{Name: plan.HashColumn, Type: "bytea", Role: plan.RoleRowHash}
)

// east and west are the two parts of the merged table patients, matched on
// mrn: east keeps MRNs as integers and names in two columns, west as text
// and one column; west lacks the phone, east the fax.
func east() *plan.Table {
	return &plan.Table{ID: "east.Patients", Source: "east", SourceTable: "Patients", Name: "patients",
		ReadColumns: []string{"PatientID", "MRN", "First", "Last", "Phone"},
		Columns: []plan.Column{matchUUID("mrn"),
			{Name: "legacy_id", Type: "text", NotNull: true, Role: plan.RoleLegacyKey, KeyColumns: []string{"PatientID"}, SourceType: kInt},
			sourceCol, value("mrn", "varchar(20)", "MRN", kInt), computed("full_name", "text", `First + " " + Last`),
			value("phone", "text", "Phone", kText), fill("fax", "text", nil), hashCol}}
}

func west() *plan.Table {
	return &plan.Table{ID: "west.Patient", Source: "west", SourceTable: "Patient", Name: "patients",
		ReadColumns: []string{"Id", "Mrn", "FullName"},
		Columns: []plan.Column{matchUUID("mrn"),
			{Name: "legacy_id", Type: "text", NotNull: true, Role: plan.RoleLegacyKey, KeyColumns: []string{"Id"}, SourceType: kInt},
			sourceCol, value("mrn", "varchar(20)", "Mrn", kText), value("full_name", "text", "FullName", kText),
			fill("phone", "text", ptr("n/a")), fill("fax", "text", nil), hashCol}}
}

func TestMergedConstants(t *testing.T) {
	e := apply(t, east(), int64(1), int64(1001), "Ada", "Lovelace", "555")
	w := apply(t, west(), int64(7), "1001", "Ada Lovelace")
	if e[2] != "east" || w[2] != "west" {
		t.Errorf("source = %#v, %#v; want east, west", e[2], w[2])
	}
	if w[5] != "n/a" || w[6] != nil || e[6] != nil {
		t.Errorf("fills: west phone %#v, west fax %#v, east fax %#v; want n/a, NULL, NULL", w[5], w[6], e[6])
	}
	if e[1] != "1" || w[1] != "7" {
		t.Errorf("legacy keys %#v, %#v; want the source keys as text", e[1], w[1])
	}
}

// TestMatchUUIDIsTheSameAcrossSources: the natural key's UUID comes from the
// row's target values, so an integer MRN in one source and its text in the
// other are one patient, and it is KeyUUID(ns, "match", table, values).
func TestMatchUUIDIsTheSameAcrossSources(t *testing.T) {
	e := apply(t, east(), int64(1), int64(1001), "Ada", "Lovelace", "555")
	w := apply(t, west(), int64(7), "1001", "Ada Lovelace")
	if e[0] != w[0] {
		t.Fatalf("east id %x, west id %x: the same MRN must be the same row", e[0], w[0])
	}
	want, _ := sluice.KeyUUID(ns, "match", "patients", []any{"1001"})
	if e[0] != [16]byte(want) {
		t.Errorf("id = %x, want KeyUUID(ns, match, patients, 1001) = %x", e[0], want)
	}
	other := apply(t, west(), int64(8), "1002", "Bob")
	if other[0] == w[0] {
		t.Error("two MRNs got the same id")
	}
	renamed := west()
	renamed.Name = "people"
	if apply(t, renamed, int64(7), "1001", "Ada Lovelace")[0] == w[0] {
		t.Error("the same MRN in another target table got the same id")
	}
}

// TestMatchUUIDOverNumericIgnoresScale: 12.50 and 12.5 are the same number,
// so the same natural key.
func TestMatchUUIDOverNumericIgnoresScale(t *testing.T) {
	pt := func(typ string) *plan.Table {
		return &plan.Table{ID: "s.T", Source: "s", SourceTable: "T", Name: "t", ReadColumns: []string{"K"},
			Columns: []plan.Column{matchUUID("k"), value("k", typ, "K", kDecimal)}}
	}
	a := apply(t, pt("numeric(10,2)"), "12.50")
	b := apply(t, pt("numeric"), "12.5")
	if a[0] != b[0] {
		t.Errorf("numeric(10,2) 12.50 and numeric 12.5 got ids %x and %x", a[0], b[0])
	}
}

func TestMatchUUIDRejects(t *testing.T) {
	rej := compile(t, west()).Apply([]any{int64(7), nil, "Ada"}, make([]any, 8))
	want := Reject{Column: "id", Reason: "natural key column mrn is NULL"}
	if rej == nil || *rej != want {
		t.Fatalf("got %+v, want %+v", rej, want)
	}
}

func TestMergedCompileErrors(t *testing.T) {
	cases := map[string]func(*plan.Table){
		"compile west.Patient column id: natural key column nope is not a target column": func(p *plan.Table) { p.Columns[0].KeyColumns = []string{"nope"} },
		"compile west.Patient column id: natural key column sluice_row_hash is a row_hash column": func(p *plan.Table) {
			p.Columns[0].KeyColumns = []string{plan.HashColumn}
		},
		"compile west.Patient column id: no key columns":                                    func(p *plan.Table) { p.Columns[0].KeyColumns = nil },
		`compile west.Patient column phone: cast "n/a": 3 characters, varchar(2) holds 2`:   func(p *plan.Table) { p.Columns[5].Type = "varchar(2)" },
		`compile west.Patient column source: cast "west": 4 characters, varchar(3) holds 3`: func(p *plan.Table) { p.Columns[2].Type = "varchar(3)" },
	}
	for want, breakIt := range cases {
		pt := west()
		breakIt(pt)
		if _, err := Compile(pt, ns); err == nil || err.Error() != want {
			t.Errorf("got  %v\nwant %s", err, want)
		}
	}
}

// TestIdentityIsWhatAForeignKeyComputes: a row's legacy identity is the UUID
// a foreign key to it computes, whatever its own id is (here a natural key's).
func TestIdentityIsWhatAForeignKeyComputes(t *testing.T) {
	src := []any{int64(7), "1001", "Ada Lovelace"}
	got, ok := compile(t, west()).Identity(src)
	ref := &plan.Table{ID: "west.Visit", Source: "west", SourceTable: "Visit", ReadColumns: []string{"VisitID", "PatientId"},
		Columns: []plan.Column{rowUUID("VisitID"), {Name: "patient_id", Type: "uuid", Role: plan.RoleRefUUID, KeyColumns: []string{"PatientId"}, RefTable: "Patient"}}}
	fk := apply(t, ref, int64(1), int64(7))[1]
	if !ok || [16]byte(got) != fk {
		t.Fatalf("Identity = %x, %v; the foreign key computes %x", got, ok, fk)
	}
	if id := apply(t, west(), src...)[0]; id == [16]byte(got) {
		t.Error("the legacy identity of a matched row is its natural key's id")
	}
	if _, ok := compile(t, ref).Identity([]any{int64(1), int64(7)}); ok {
		t.Error("a table without a legacy key column has an identity")
	}
	if _, ok := compile(t, west()).Identity([]any{nil, "1001", "x"}); ok {
		t.Error("a NULL key has an identity")
	}
}

func TestMergedRowsAllocateOnlyTheirHash(t *testing.T) {
	r := compile(t, west())
	src, dst := []any{int64(7), "1001", "Ada Lovelace"}, make([]any, 8)
	allocs := testing.AllocsPerRun(100, func() {
		if rej := r.Apply(src, dst); rej != nil {
			t.Fatal(rej.Reason)
		}
	})
	// the legacy key's text, the boxed id, the hash's bytes and its box
	if allocs > 4 {
		t.Errorf("Apply allocated %.0f times, want at most 4", allocs)
	}
	if !strings.HasPrefix(reflect.TypeOf(dst[7]).String(), "[]uint8") || len(dst[7].([]byte)) != 16 {
		t.Errorf("hash = %#v, want 16 bytes", dst[7])
	}
}
