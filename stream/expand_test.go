package stream

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
)

// clinicsMapper maps People (PersonID, Name, Chairs) to people and to
// chairs, each person's Chairs expanded into that many rows.
func clinicsMapper(t *testing.T) *Mapper {
	t.Helper()
	people := &plan.Table{ID: "crm.People", Source: "crm", SourceTable: "People", Name: "people", Schema: "public",
		ReadColumns: []string{"PersonID", "Name"}, Key: []string{"PersonID"}, PrimaryKey: []string{"id"},
		Columns: []plan.Column{
			{Name: "id", Type: "uuid", NotNull: true, Role: plan.RoleRowUUID, KeyColumns: []string{"PersonID"}},
			{Name: "name", Type: "text", Role: plan.RoleValue, Source: "Name", SourceType: kText},
		}}
	chairs := &plan.Table{ID: "crm.People#chairs", Source: "crm", SourceTable: "People", Name: "chairs", Schema: "public",
		ReadColumns: []string{"PersonID", "Chairs"}, Key: []string{"PersonID"}, PrimaryKey: []string{"id"},
		Expansion: &plan.Expansion{Parent: "crm.People", Kind: config.ExpandCount, Column: "Chairs"},
		Columns: []plan.Column{
			{Name: "id", Type: "uuid", NotNull: true, Role: plan.RoleExpandUUID, KeyColumns: []string{"PersonID"}, SourceType: kInt},
			{Name: "people_id", Type: "uuid", NotNull: true, Role: plan.RoleRefUUID, KeyColumns: []string{"PersonID"}, SourceType: kInt,
				RefSource: "crm", RefTable: "People"},
			{Name: "chair_no", Type: "integer", NotNull: true, Role: plan.RoleOrdinal},
		}}
	p := &plan.Plan{Namespace: ns, Tables: []*plan.Table{people, chairs}}
	schema := &sluice.Schema{Tables: []sluice.Table{{Name: "People", PrimaryKey: []string{"PersonID"},
		Columns: []sluice.Column{{Name: "PersonID", Type: kInt}, {Name: "Name", Type: kText}, {Name: "Chairs", Type: kInt}}}}}
	m, err := NewMapper(p, "crm", schema)
	if err != nil {
		t.Fatal(err)
	}
	if r := m.Refused(); len(r) != 0 {
		t.Fatalf("refused: %v", r)
	}
	return m
}

// describeChildren is describe with each delete's key columns and each
// chair's id as chair(<person>.<ordinal>).
func describeChildren(items []Item) string {
	var parts []string
	for _, it := range items {
		s := describe([]Item{it})
		if c := it.Change; c != nil {
			s = c.Table + " " + s
			if c.Op == 4 { // target.OpDelete
				s += fmt.Sprintf(" by %v", c.Key)
			}
		}
		parts = append(parts, s)
	}
	out := strings.Join(parts, "\n")
	for id := range int64(5) {
		for k := range int64(5) {
			u, _ := sluice.KeyUUID(ns, "crm", "People#chairs", []any{id, k})
			out = strings.ReplaceAll(out, u.String(), fmt.Sprintf("chair(%d.%d)", id, k))
		}
	}
	return out
}

// A person's chairs follow the person: inserted with it, replaced when it
// changes (removed before the person changes, inserted after, as the
// target's foreign key needs), deleted with it.
func TestMapExpansion(t *testing.T) {
	person := func(id int64, name, chairs any) []any { return []any{id, name, chairs} }
	cases := []struct {
		name string
		ch   sluice.Change
		want string
	}{
		{"insert: the person, then its chairs", sluice.Change{Kind: sluice.ChangeInsert, Table: "People", After: person(1, "ann", int64(2))}, `
people [insert [id name] [uuid(1) ann] key []]
chairs [insert [id people_id chair_no] [chair(1.1) uuid(1) 1] key []]
chairs [insert [id people_id chair_no] [chair(1.2) uuid(1) 2] key []]`},
		{"insert without chairs", sluice.Change{Kind: sluice.ChangeInsert, Table: "People", After: person(1, "ann", int64(0))}, `
people [insert [id name] [uuid(1) ann] key []]`},
		{"update: the old chairs go first, the new set comes last", sluice.Change{Kind: sluice.ChangeUpdate, Table: "People",
			Before: person(1, "ann", int64(2)), After: person(1, "ann", int64(1))}, `
chairs [delete [] [] key [uuid(1)]] by [people_id]
people [upsert [id name] [uuid(1) ann] key []]
chairs [insert [id people_id chair_no] [chair(1.1) uuid(1) 1] key []]`},
		{"update without the old row: the key did not change", sluice.Change{Kind: sluice.ChangeUpdate, Table: "People",
			After: person(1, "ann", int64(3))}, `
chairs [delete [] [] key [uuid(1)]] by [people_id]
people [upsert [id name] [uuid(1) ann] key []]
chairs [insert [id people_id chair_no] [chair(1.1) uuid(1) 1] key []]
chairs [insert [id people_id chair_no] [chair(1.2) uuid(1) 2] key []]
chairs [insert [id people_id chair_no] [chair(1.3) uuid(1) 3] key []]`},
		{"update of the key: the old person's chairs go, the new one's come", sluice.Change{Kind: sluice.ChangeUpdate, Table: "People",
			Before: person(1, "ann", int64(1)), After: person(2, "ann", int64(1))}, `
chairs [delete [] [] key [uuid(1)]] by [people_id]
people [delete [] [] key [uuid(1)]] by [id]
people [upsert [id name] [uuid(2) ann] key []]
chairs [insert [id people_id chair_no] [chair(2.1) uuid(2) 1] key []]`},
		{"update, the count not sent: the chairs cannot be made (the person does not read it)", sluice.Change{Kind: sluice.ChangeUpdate, Table: "People",
			After: person(1, "anne", u)}, `
people [upsert [id name] [uuid(1) anne] key []]
[reject 1: the source did not send every value of the changed row (unchanged TOAST values), which its expanded rows are made of: set REPLICA IDENTITY FULL on the source table]`},
		{"delete: the chairs, then the person", sluice.Change{Kind: sluice.ChangeDelete, Table: "People", Before: person(3, u, u)}, `
chairs [delete [] [] key [uuid(3)]] by [people_id]
people [delete [] [] key [uuid(3)]] by [id]`},
		{"truncate: the chairs, then the people", sluice.Change{Kind: sluice.ChangeTruncate, Table: "People"}, `
chairs [truncate [] [] key []]
people [truncate [] [] key []]`},
	}
	for _, c := range cases {
		m := clinicsMapper(t)
		if got := "\n" + describeChildren(m.Map(&c.ch, pos(5), "5")); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// A count that cannot expand rejects the row's chairs, with the copy's
// reason; the person still loads.
func TestMapExpansionReject(t *testing.T) {
	m := clinicsMapper(t)
	ch := sluice.Change{Kind: sluice.ChangeInsert, Table: "People", After: []any{int64(1), "ann", int64(-1)}}
	items := m.Map(&ch, pos(5), "5")
	if len(items) != 2 || items[0].Change == nil || items[1].Reject == nil || items[1].Reject.TableID != "crm.People#chairs" {
		t.Fatalf("got %s", describeChildren(items))
	}
}

// The stream leaves to reruns what plan lists under Live sync (the reason
// is plan's Table.SyncRerun): their changes are counted, not applied; and
// an uncapturable table is not captured at all.
func TestMapRerunsWhatPlanSays(t *testing.T) {
	m := clinicsMapper(t)
	people := *m.tables["People"][0].t
	people.Where = "Chairs > 0"
	schema := &sluice.Schema{Tables: []sluice.Table{{Name: "People",
		PrimaryKey: []string{"PersonID"}, Columns: []sluice.Column{{Name: "PersonID", Type: kInt}, {Name: "Name", Type: kText}}}}}
	m, err := NewMapper(&plan.Plan{Namespace: ns, Tables: []*plan.Table{&people}}, "crm", schema)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Reruns()["crm.People"]; got == "" || got != people.SyncRerun() || len(m.Refused()) != 0 {
		t.Fatalf("reruns %q, refused %v; plan says %q", got, m.Refused(), people.SyncRerun())
	}
	ch := sluice.Change{Kind: sluice.ChangeInsert, Table: "People", After: []any{int64(1), "ann"}}
	if items := m.Map(&ch, pos(5), "5"); len(items) != 1 || items[0].Skipped != "crm.People" || items[0].Change != nil {
		t.Fatalf("a change of a rerun table made %+v, want it skipped", items)
	}
	if got := m.Capturable(); len(got) != 1 {
		t.Fatalf("capturable %v, want People: its changes are counted", got)
	}
	people.Where, people.Uncapturable = "", true
	if m, err = NewMapper(&plan.Plan{Namespace: ns, Tables: []*plan.Table{&people}}, "crm", schema); err != nil {
		t.Fatal(err)
	}
	if got := m.Capturable(); len(got) != 0 || m.Reruns()["crm.People"] != people.SyncRerun() {
		t.Fatalf("capturable %v, reruns %v: an uncapturable table is rerun and not captured", got, m.Reruns())
	}
}
