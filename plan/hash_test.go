package plan

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

func TestHashChangesWithTheMappingOnly(t *testing.T) {
	base := func() *Table {
		return &Table{
			ID: "clinical.Patients", Source: "clinical", SourceTable: "Patients", Name: "patients",
			ReadColumns: []string{"PatientID", "Name"}, Key: []string{"PatientID"}, Keys: "uuid", ChunkRows: 20000,
			Columns: []Column{
				{Name: "patient_id", Type: "uuid", Role: RoleRowUUID, KeyColumns: []string{"PatientID"}},
				{Name: "name", Type: "varchar(50)", Role: RoleValue, Source: "Name", SourceType: sluice.Type{Kind: sluice.KindString, Length: 50}},
			},
		}
	}
	ns := sluice.DefaultNamespace
	want := base().Hash(ns)
	if again := base().Hash(ns); again != want {
		t.Fatalf("the same mapping hashes differently: %s, %s", want, again)
	}
	same := map[string]func(*Table){
		"chunk size": func(t *Table) { t.ChunkRows = 500 },
		"estimates":  func(t *Table) { t.Rows, t.Chunks = 10, 1 },
		"indexes":    func(t *Table) { t.Indexes = []Index{{Name: "x", Columns: []string{"name"}}} },
	}
	for name, change := range same {
		tbl := base()
		change(tbl)
		if got := tbl.Hash(ns); got != want {
			t.Errorf("%s changed the hash, but not a single row", name)
		}
	}
	dflt := "unknown"
	differ := map[string]func(*Table){
		"column type":   func(t *Table) { t.Columns[1].Type = "text" },
		"column name":   func(t *Table) { t.Columns[1].Name = "full_name" },
		"default":       func(t *Table) { t.Columns[1].Default = &dflt },
		"filter":        func(t *Table) { t.Where = "Deleted = 0" },
		"key strategy":  func(t *Table) { t.Keys = "keep" },
		"target table":  func(t *Table) { t.Name = "people" },
		"dropped input": func(t *Table) { t.ReadColumns = t.ReadColumns[:1]; t.Columns = t.Columns[:1] },
		"source type":   func(t *Table) { t.Columns[1].SourceType.Length = 80 },
	}
	for name, change := range differ {
		tbl := base()
		change(tbl)
		if got := tbl.Hash(ns); got == want {
			t.Errorf("a change of %s kept the hash", name)
		}
	}
	if got := base().Hash(uuid.New()); got == want {
		t.Error("another key namespace kept the hash")
	}
}

// The mapping of merged tables, expansions and computed columns is in the
// hash; how rows are written (strategy, delete_missing) and where (the
// database, whose own state decides) are not.
func TestHashNewFeatures(t *testing.T) {
	p := mergePlan(t)
	ns := p.Namespace
	tbl := table(t, p, "east.Patients")
	want := tbl.Hash(ns)
	same := map[string]func(*Table){
		"strategy":       func(t *Table) { t.Strategy = "append" },
		"delete missing": func(t *Table) { t.DeleteMissing = !t.DeleteMissing },
		"database":       func(t *Table) { t.Database, t.Schema = "other", "elsewhere" },
		"depends on":     func(t *Table) { t.DependsOn = []string{"x.Y"} },
	}
	for name, change := range same {
		c := clone(tbl)
		change(c)
		if got := c.Hash(ns); got != want {
			t.Errorf("%s changed the hash", name)
		}
	}
	differ := map[string]func(*Table){
		"parts":         func(t *Table) { t.Merged.Parts = t.Merged.Parts[:1] },
		"match on":      func(t *Table) { t.Merged.MatchOn = nil },
		"conflict":      func(t *Table) { t.Merged.Conflict = "manual" },
		"prefer":        func(t *Table) { t.Merged.Prefer = []string{"east", "west"} },
		"latest":        func(t *Table) { t.Merged.Latest = "updated_at" },
		"source column": func(t *Table) { t.Merged.SourceColumn = "origin" },
		"legacy column": func(t *Table) { t.Merged.LegacyColumn = "old_id" },
		"expression":    func(t *Table) { t.column("full_name").Expr = "FirstName" },
		"fill":          func(t *Table) { t.column("fax").Default = strp("none") },
		"resolve match": func(t *Table) { t.column("doctor_id").ResolveMatch = true },
		"expansion":     func(t *Table) { t.Expansion = &Expansion{Parent: "east.Patients", Kind: "count", Column: "NumRooms"} },
	}
	for name, change := range differ {
		c := clone(tbl)
		change(c)
		if got := c.Hash(ns); got == want {
			t.Errorf("a change of %s kept the hash", name)
		}
	}
	tags := table(t, p, "east.Patients#patient_tags")
	c := clone(tags)
	c.Expansion.Separator = ","
	if c.Hash(ns) == tags.Hash(ns) {
		t.Error("a change of the separator kept the hash")
	}
}

// clone copies a table deeply enough for the changes above.
func clone(t *Table) *Table {
	c := *t
	c.Columns = slices.Clone(t.Columns)
	if t.Merged != nil {
		m := *t.Merged
		c.Merged = &m
	}
	if t.Expansion != nil {
		e := *t.Expansion
		c.Expansion = &e
	}
	return &c
}
