package transform

import (
	"testing"

	"github.com/sluicedb/sluice/plan"
)

// A subtype's row takes its root's identity, and a reference to the
// subtype computes it too: patient (patient_id -> person) and
// concept_set_detail, whose composite key (member_id, set_id) references
// concept_set (concept_id, concept_set) in another order of columns.
func TestSubtypeRowsTakeTheRootIdentity(t *testing.T) {
	person := &plan.Table{ID: "emr.person", Source: "emr", SourceTable: "person", ReadColumns: []string{"person_id"},
		Columns: []plan.Column{rowUUID("person_id")}}
	patient := &plan.Table{ID: "emr.patient", Source: "emr", SourceTable: "patient", ReadColumns: []string{"patient_id"},
		Columns: []plan.Column{withIdentity(rowUUID("patient_id"), "emr", "person"),
			{Name: "legacy_id", Type: "bigint", NotNull: true, Role: plan.RoleLegacyKey, KeyColumns: []string{"patient_id"}, SourceType: kInt}}}
	set := &plan.Table{ID: "emr.concept_set", Source: "emr", SourceTable: "concept_set", ReadColumns: []string{"concept_id", "concept_set"},
		Columns: []plan.Column{rowUUID("concept_id", "concept_set")}}
	detail := &plan.Table{ID: "emr.concept_set_detail", Source: "emr", SourceTable: "concept_set_detail", ReadColumns: []string{"set_id", "member_id"},
		Columns: []plan.Column{withIdentity(rowUUID("member_id", "set_id"), "emr", "concept_set")}}
	usage := &plan.Table{ID: "emr.usage", Source: "emr", SourceTable: "usage", ReadColumns: []string{"s", "m"},
		Columns: []plan.Column{withIdentity(plan.Column{Name: "detail_id", Type: "uuid", Role: plan.RoleRefUUID,
			KeyColumns: []string{"m", "s"}, RefTable: "concept_set_detail"}, "emr", "concept_set")}}

	if p, c := apply(t, person, int64(7))[0], apply(t, patient, int64(7))[0]; p != c {
		t.Errorf("patient 7 = %x, person 7 = %x", c, p)
	}
	if got := apply(t, patient, int64(7))[1]; got != int64(7) {
		t.Errorf("patient 7's legacy key = %v", got)
	}
	want := apply(t, set, int64(3), int64(40))[0] // concept 3 in set 40
	if got := apply(t, detail, int64(40), int64(3))[0]; got != want {
		t.Errorf("detail (member 3, set 40) = %x, the set's row = %x", got, want)
	}
	if got := apply(t, usage, int64(40), int64(3))[0]; got != want {
		t.Errorf("usage of (member 3, set 40) = %x, want %x", got, want)
	}
	if got := apply(t, detail, int64(3), int64(40))[0]; got == want {
		t.Error("swapping member and set gives the same identity")
	}
}

func withIdentity(c plan.Column, source, table string) plan.Column {
	c.IdentitySource, c.IdentityTable = source, table
	return c
}
