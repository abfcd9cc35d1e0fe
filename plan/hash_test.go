package plan

import (
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
