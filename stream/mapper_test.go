package stream

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

var (
	ns    = uuid.MustParse("0b3c4c1e-6f7a-4d52-9a39-0c6f3f0d2a11")
	kInt  = sluice.Type{Kind: sluice.KindInt, Bits: 64}
	kText = sluice.Type{Kind: sluice.KindText}
)

// people: id (a UUID from the key), legacy_id, name (renamed from Name, NOT
// NULL: a delete finds its row by the key alone, whatever the old row lacks),
// note; the source table also has a column the mapping does not read.
func peopleMapper(t *testing.T, indexes ...plan.Index) *Mapper {
	t.Helper()
	tbl := &plan.Table{Indexes: indexes, ID: "crm.People", Source: "crm", SourceTable: "People", Name: "people", Schema: "public",
		ReadColumns: []string{"PersonID", "Name", "Note"}, Key: []string{"PersonID"}, PrimaryKey: []string{"id"},
		ReadSchema: []sluice.Column{{Name: "PersonID", Type: kInt}, {Name: "Name", Type: kText}, {Name: "Note", Type: kText}},
		Columns: []plan.Column{
			{Name: "id", Type: "uuid", NotNull: true, Role: plan.RoleRowUUID, KeyColumns: []string{"PersonID"}},
			{Name: "legacy_id", Type: "bigint", NotNull: true, Role: plan.RoleLegacyKey, KeyColumns: []string{"PersonID"}, SourceType: kInt},
			{Name: "name", Type: "text", NotNull: true, Role: plan.RoleValue, Source: "Name", SourceType: kText},
			{Name: "note", Type: "text", Role: plan.RoleValue, Source: "Note", SourceType: kText},
		}}
	p := &plan.Plan{Namespace: ns, Tables: []*plan.Table{tbl}}
	schema := &sluice.Schema{Tables: []sluice.Table{{Name: "People", PrimaryKey: []string{"PersonID"},
		Columns: []sluice.Column{{Name: "PersonID", Type: kInt}, {Name: "Extra", Type: kText}, {Name: "Name", Type: kText}, {Name: "Note", Type: kText}}}}}
	m, err := NewMapper(p, "crm", schema)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// describe writes items shortly: a UUID key as uuid(<legacy key>).
func describe(items []Item) string {
	names := map[any]string{}
	for id := range int64(5) {
		names[keyOf(id)] = fmt.Sprintf("uuid(%d)", id)
	}
	show := func(vals []any) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			if b, ok := v.([16]byte); ok {
				v = uuid.UUID(b)
			}
			if n, ok := names[v]; ok {
				v = n
			}
			out[i] = v
		}
		return out
	}
	var out string
	for _, it := range items {
		if it.Reject != nil {
			out += fmt.Sprintf("[reject %s: %s]", it.Reject.Key, it.Reject.Reason)
			continue
		}
		c := it.Change
		out += fmt.Sprintf("[%s %v %v key %v]", c.Op, c.Columns, show(c.Values), show(c.KeyValues))
	}
	return out
}

func keyOf(id int64) uuid.UUID {
	u, _ := sluice.KeyUUID(ns, "crm", "People", []any{id})
	return u
}

type pos int

func (p pos) String() string { return fmt.Sprint(int(p)) }
func (p pos) Compare(o sluice.Position) (int, error) {
	return int(p) - int(o.(pos)), nil
}

var u = sluice.Unchanged{}

// Each kind of change through the mapping, as the copy would write it.
func TestMapChanges(t *testing.T) {
	cols := "[id legacy_id name note]"
	cases := []struct {
		name string
		ch   sluice.Change
		want string
	}{
		{"insert", sluice.Change{Kind: sluice.ChangeInsert, Table: "People", After: []any{int64(1), "x", "ann", "n"}},
			"[insert " + cols + " [uuid(1) 1 ann n] key []]"},
		{"update, same key", sluice.Change{Kind: sluice.ChangeUpdate, Table: "People", After: []any{int64(1), "x", "anne", "n"}},
			"[upsert " + cols + " [uuid(1) 1 anne n] key []]"},
		{"update, a value not sent (unchanged TOAST): only the others", sluice.Change{Kind: sluice.ChangeUpdate, Table: "People",
			After: []any{int64(1), "x", "anne", u}}, "[update [legacy_id name] [1 anne] key [uuid(1)]]"},
		{"update, the value not sent is in the old row", sluice.Change{Kind: sluice.ChangeUpdate, Table: "People",
			Before: []any{int64(1), "x", "ann", "old"}, After: []any{int64(1), "x", "anne", u}},
			"[upsert " + cols + " [uuid(1) 1 anne old] key []]"},
		{"update of the key: delete the old, write the new", sluice.Change{Kind: sluice.ChangeUpdate, Table: "People",
			Before: []any{int64(1), u, u, u}, After: []any{int64(2), "x", "ann", "n"}},
			"[delete [] [] key [uuid(1)]][upsert " + cols + " [uuid(2) 2 ann n] key []]"},
		{"delete by the key alone", sluice.Change{Kind: sluice.ChangeDelete, Table: "People", Before: []any{int64(3), u, u, u}},
			"[delete [] [] key [uuid(3)]]"},
		{"a table the mapping does not read", sluice.Change{Kind: sluice.ChangeInsert, Table: "Other", After: []any{int64(1)}}, ""},
		{"truncate", sluice.Change{Kind: sluice.ChangeTruncate, Table: "People"}, "[truncate [] [] key []]"},
	}
	for _, c := range cases {
		m := peopleMapper(t)
		if got := describe(m.Map(&c.ch, pos(5), "5")); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// With a unique index on its legacy key column, as the plan makes for a
// single-column key, a row is addressed by its legacy key and an upsert
// keeps the row's UUID: after a cutover and a rollback, a row the
// application inserted on the target (its UUID its own) is still the one a
// change of its source row reaches.
func TestMapByLegacyKey(t *testing.T) {
	cases := []struct {
		ch   sluice.Change
		want string
	}{
		{sluice.Change{Kind: sluice.ChangeUpdate, Table: "People", After: []any{int64(1), "x", "anne", "n"}},
			"[upsert [id legacy_id name note] [uuid(1) 1 anne n] key []] by [legacy_id] keeping [id]"},
		{sluice.Change{Kind: sluice.ChangeUpdate, Table: "People", After: []any{int64(1), "x", "anne", u}},
			"[update [name] [anne] key [1]] by [legacy_id] keeping [id]"},
		{sluice.Change{Kind: sluice.ChangeDelete, Table: "People", Before: []any{int64(3), u, u, u}},
			"[delete [] [] key [3]] by [legacy_id] keeping [id]"},
	}
	for _, c := range cases {
		m := peopleMapper(t, plan.Index{Columns: []string{"legacy_id"}, Unique: true})
		items := m.Map(&c.ch, pos(5), "5")
		got := describe(items) + fmt.Sprintf(" by %v keeping %v", items[0].Change.Key, items[0].Change.Keep)
		if got != c.want {
			t.Errorf("%v:\n got %s\nwant %s", c.ch.Kind, got, c.want)
		}
	}
}

// A transaction the table's copy holds already (at or before the table's
// copy position) makes nothing.
func TestMapSkipsWhatTheCopyHolds(t *testing.T) {
	m := peopleMapper(t)
	m.SetStarts(map[string]sluice.Position{"People": pos(5)})
	ins := sluice.Change{Kind: sluice.ChangeInsert, Table: "People", After: []any{int64(1), "x", "ann", "n"}}
	if got := m.Map(&ins, pos(5), "5"); len(got) != 0 {
		t.Errorf("a change at the copy position: %s", describe(got))
	}
	if got := m.Map(&ins, pos(6), "6"); len(got) != 1 {
		t.Errorf("a change after the copy position: %s", describe(got))
	}
}

// A column added to the source is absorbed (the values move); a column the
// mapping reads that is gone stops the table, whose changes then make
// nothing.
func TestSchemaChanges(t *testing.T) {
	m := peopleMapper(t)
	added := sluice.Change{Kind: sluice.ChangeSchema, Table: "People", Columns: []sluice.Column{{Name: "PersonID", Type: kInt},
		{Name: "Extra", Type: kText}, {Name: "Name", Type: kText}, {Name: "Added", Type: kInt}, {Name: "Note", Type: kText}}}
	if sc, err := m.Schema(&added, pos(6), "6", nil); err != nil || len(sc.Stops) != 0 || len(sc.Notes) != 1 || len(sc.Adds) != 0 {
		t.Fatalf("added column, no plan made again: %+v, %v", sc, err)
	}
	ins := sluice.Change{Kind: sluice.ChangeInsert, Table: "People", After: []any{int64(1), "x", "ann", int64(9), "n"}}
	if got := describe(m.Map(&ins, pos(7), "7")); got != "[insert [id legacy_id name note] [uuid(1) 1 ann n] key []]" {
		t.Errorf("insert after the added column: %s", got)
	}
	dropped := sluice.Change{Kind: sluice.ChangeSchema, Table: "People", Columns: []sluice.Column{{Name: "PersonID", Type: kInt}, {Name: "Name", Type: kText}}}
	sc, err := m.Schema(&dropped, pos(8), "8", nil)
	if err != nil || sc.Stops["crm.People"] == "" {
		t.Fatalf("dropped column: %+v, %v", sc, err)
	}
	ins.After = []any{int64(2), "bob"}
	if got := m.Map(&ins, pos(9), "9"); len(got) != 0 {
		t.Errorf("a stopped table's change: %s", describe(got))
	}
}

// A column added to the source, which the plan made again maps as a plain
// copy, is added to the target table and written from then on; one added
// with a default (the source's existing rows hold it) stops the table.
func TestSchemaAddsColumn(t *testing.T) {
	added := sluice.Change{Kind: sluice.ChangeSchema, Table: "People", Columns: []sluice.Column{{Name: "PersonID", Type: kInt},
		{Name: "Extra", Type: kText}, {Name: "Name", Type: kText}, {Name: "Note", Type: kText}, {Name: "Ward", Type: kText}}}
	for _, c := range []struct {
		name     string
		def      *string
		nullable bool
		stop     string
	}{
		{"nullable", nil, true, ""},
		{"null default", ptr("NULL::text"), true, ""},
		{"default", ptr("'icu'::text"), true, "added with a default"},
		{"not null", nil, false, "added NOT NULL"},
	} {
		m := peopleMapper(t)
		p := widerPlan(m, sluice.Column{Name: "Ward", Type: kText, Nullable: c.nullable, Default: c.def})
		sc, err := m.Schema(&added, pos(6), "6", p)
		if err != nil {
			t.Fatal(err)
		}
		if c.stop != "" {
			if !strings.Contains(sc.Stops["crm.People"], c.stop) || len(sc.Adds) != 0 {
				t.Errorf("%s: stops %v, adds %v; want a stop saying %q", c.name, sc.Stops, sc.Adds, c.stop)
			}
			continue
		}
		if len(sc.Adds) != 1 || sc.Adds[0].Column != "ward" || sc.Adds[0].Type != "text" || sc.Adds[0].PlanHash == "" || len(sc.Stops) != 0 {
			t.Fatalf("%s: adds %+v, stops %v", c.name, sc.Adds, sc.Stops)
		}
		ins := sluice.Change{Kind: sluice.ChangeInsert, Table: "People", After: []any{int64(1), "x", "ann", "n", "icu"}}
		if got := describe(m.Map(&ins, pos(7), "7")); got != "[insert [id legacy_id name note ward] [uuid(1) 1 ann n icu] key []]" {
			t.Errorf("%s: insert after the added column: %s", c.name, got)
		}
	}
}

func ptr(s string) *string { return &s }

// widerPlan is the mapper's plan with the source column c added, as plan
// would make it again.
func widerPlan(m *Mapper, c sluice.Column) *plan.Plan {
	wide := *m.tables["People"][0].t
	wide.ReadColumns = append(slices.Clone(wide.ReadColumns), c.Name)
	wide.ReadSchema = append(slices.Clone(wide.ReadSchema), c)
	wide.Columns = append(slices.Clone(wide.Columns), plan.Column{Name: strings.ToLower(c.Name), Type: "text", Role: plan.RoleValue, Source: c.Name, SourceType: c.Type})
	return &plan.Plan{Namespace: ns, Tables: []*plan.Table{&wide}}
}

// A merged table names its columns: a column added to one of its sources
// is ignored, with a note for status, and the stream goes on.
func TestSchemaMergedIgnoresAddedColumn(t *testing.T) {
	m := peopleMapper(t)
	m.tables["People"][0].t.Merged = &plan.Merged{Table: "people", SourceColumn: "source"}
	added := sluice.Change{Kind: sluice.ChangeSchema, Table: "People", Columns: []sluice.Column{{Name: "PersonID", Type: kInt},
		{Name: "Extra", Type: kText}, {Name: "Name", Type: kText}, {Name: "Note", Type: kText}, {Name: "Ward", Type: kText}}}
	if m.Widens(&added) {
		t.Errorf("a merged table wants the plan made again")
	}
	sc, err := m.Schema(&added, pos(6), "6", nil)
	if err != nil || len(sc.Stops) != 0 || len(sc.Adds) != 0 || !strings.Contains(sc.Ignored["crm.People"], "Ward") {
		t.Fatalf("merged table, added column: %+v, %v", sc, err)
	}
}
