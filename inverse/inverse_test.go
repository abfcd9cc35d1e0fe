package inverse

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
)

func buildPlan(t *testing.T, yaml string, schemas ...*sluice.Schema) *plan.Plan {
	t.Helper()
	cfg, err := config.Parse(strings.NewReader(yaml), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := plan.Build(cfg, schemas)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}

func intCol(name string) sluice.Column {
	return sluice.Column{Name: name, Type: sluice.Type{Kind: sluice.KindInt, Raw: "int(11)", Bits: 32}}
}

func clinic() *sluice.Schema {
	id := intCol("PatientID")
	id.AutoIncrement = true
	return &sluice.Schema{Source: "clinic", Engine: "mysql", Tables: []sluice.Table{
		{Name: "Patients", PrimaryKey: []string{"PatientID"}, Columns: []sluice.Column{
			id,
			{Name: "FullName", Type: sluice.Type{Kind: sluice.KindString, Raw: "varchar(50)", Length: 50}},
			{Name: "Active", Type: sluice.Type{Kind: sluice.KindBool, Raw: "tinyint(1)", Bits: 8}, Nullable: true},
		}},
		{Name: "Visits", PrimaryKey: []string{"PatientID", "VisitNo"}, Columns: []sluice.Column{
			intCol("PatientID"), intCol("VisitNo"),
			{Name: "Note", Type: sluice.Type{Kind: sluice.KindText, Raw: "text"}, Nullable: true},
		}, ForeignKeys: []sluice.ForeignKey{{Name: "fk_p", Columns: []string{"PatientID"}, RefTable: "Patients", RefColumns: []string{"PatientID"}}}},
	}}
}

const clinicYAML = `version: 1
sources:
  clinic: {url: "mysql://clinic"}
target: {url: "postgres://t"}
defaults: {keys: uuid, naming: snake_case}
tables:
  clinic.Patients:
    columns:
      FullName: {name: display_name}
`

// targetRow lays values out by target column name, the rest NULL.
func targetRow(inv *Table, values map[string]any) []any {
	row := make([]any, len(inv.Columns()))
	for i, c := range inv.Columns() {
		row[i] = values[c]
	}
	return row
}

func TestRowBackThroughRenamesKeysAndCasts(t *testing.T) {
	ctx := context.Background()
	p := buildPlan(t, clinicYAML, clinic())
	inv, err := Compile([]*plan.Table{p.Table("clinic.Patients")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := inv.Row(ctx, targetRow(inv, map[string]any{"id": [16]byte{1}, "legacy_id": int64(42), "display_name": "Ada", "active": true}))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(r); got != "{clinic Patients [PatientID] [42] [FullName Active] [Ada 1]}" {
		t.Fatalf("row %s", got)
	}
	// Inserted on the target: no legacy key yet, the source makes one.
	r, err = inv.Row(ctx, targetRow(inv, map[string]any{"id": [16]byte{2}, "display_name": "New", "active": sluice.Unchanged{}}))
	if err != nil || r.KeyValues != nil || fmt.Sprint(r.Columns) != "[FullName]" {
		t.Fatalf("new row: %+v, %v; want no key and FullName only", r, err)
	}
	if _, err := inv.Row(ctx, targetRow(inv, map[string]any{"legacy_id": int64(1), "display_name": strings.Repeat("x", 51)})); err == nil || !strings.Contains(err.Error(), "column FullName: 51 characters do not fit varchar(50)") {
		t.Fatalf("too long: %v", err)
	}
}

func TestChangeBackWithACompositeKeyAndAForeignKey(t *testing.T) {
	ctx := context.Background()
	p := buildPlan(t, clinicYAML, clinic())
	ns := p.Namespace
	patient, _ := sluice.KeyUUID(ns, "clinic", "Patients", []any{int64(7)})
	refs := func(_ context.Context, source, table string, id [16]byte) (Ref, bool, error) {
		if source == "clinic" && table == "Patients" && uuid.UUID(id) == patient {
			return Ref{Owner: "clinic", Legacy: int64(7)}, true, nil
		}
		return Ref{}, false, nil
	}
	if _, err := Compile([]*plan.Table{p.Table("clinic.Visits")}, Options{}); err == nil {
		t.Fatalf("compiled a table with a foreign key without a lookup")
	}
	inv, err := Compile([]*plan.Table{p.Table("clinic.Visits")}, Options{Refs: refs})
	if err != nil {
		t.Fatal(err)
	}
	legacy := sluice.KeyText([]any{int64(7), int64(3)})
	after := targetRow(inv, map[string]any{"legacy_id": legacy, "patient_id": [16]byte(patient), "note": "ok"})
	c, err := inv.Change(ctx, sluice.Change{Kind: sluice.ChangeUpdate, Table: "visits", After: after})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.Key, c.KeyValues, c.Columns, c.Values); got != "[PatientID VisitNo] [7 3] [Note PatientID] [ok 7]" {
		t.Fatalf("change %s", got)
	}
	moved := targetRow(inv, map[string]any{"legacy_id": sluice.KeyText([]any{int64(7), int64(4)}), "patient_id": [16]byte(patient)})
	if _, err := inv.Change(ctx, sluice.Change{Kind: sluice.ChangeUpdate, Before: after, After: moved}); err == nil || !strings.Contains(err.Error(), "legacy key changed") {
		t.Fatalf("key change: %v", err)
	}
	del, err := inv.Change(ctx, sluice.Change{Kind: sluice.ChangeDelete, Before: after})
	if err != nil || fmt.Sprint(del.KeyValues) != "[7 3]" || del.Columns != nil {
		t.Fatalf("delete: %+v, %v", del, err)
	}
	orphan := targetRow(inv, map[string]any{"legacy_id": legacy, "patient_id": [16]byte{9}})
	if _, err := inv.Row(ctx, orphan); err == nil || !strings.Contains(err.Error(), "no clinic.Patients row has identity") {
		t.Fatalf("unknown reference: %v", err)
	}
}

func TestSplitKeyText(t *testing.T) {
	key := []any{"a|b", `c\`, "", int64(5)}
	parts, err := SplitKeyText(sluice.KeyText(key), 4)
	if err != nil || fmt.Sprintf("%q", parts) != `["a|b" "c\\" "" "5"]` {
		t.Fatalf("split: %q, %v", parts, err)
	}
	if _, err := SplitKeyText("a|b", 3); err == nil {
		t.Fatalf("wrong part count accepted")
	}
}

func site(name, table string) *sluice.Schema {
	id := intCol("id")
	id.AutoIncrement = true
	return &sluice.Schema{Source: name, Engine: "mysql", Tables: []sluice.Table{{Name: table, PrimaryKey: []string{"id"}, Columns: []sluice.Column{
		id, {Name: "name", Type: sluice.Type{Kind: sluice.KindString, Raw: "varchar(40)", Length: 40}},
	}}}}
}

const mergedYAML = `version: 1
sources:
  east: {url: "mysql://east"}
  west: {url: "mysql://west"}
target: {url: "postgres://t"}
defaults: {keys: uuid}
tables:
  people:
    from: [east.staff, west.crew]
`

func TestMergedRowsGoBackToTheirOwner(t *testing.T) {
	ctx := context.Background()
	p := buildPlan(t, mergedYAML, site("east", "staff"), site("west", "crew"))
	parts := []*plan.Table{p.Table("east.staff"), p.Table("west.crew")}
	if _, err := Compile(parts, Options{NewRows: "north"}); err == nil {
		t.Fatalf("new rows to a source that does not feed the table: no error")
	}
	inv, err := Compile(parts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := parts[0].Merged.SourceColumn
	r, err := inv.Row(ctx, targetRow(inv, map[string]any{src: "west", "legacy_id": "12", "name": "Wu"}))
	if err != nil || r.Source != "west" || r.Table != "crew" || fmt.Sprint(r.KeyValues) != "[12]" {
		t.Fatalf("west row: %+v, %v", r, err)
	}
	if _, err := inv.Row(ctx, targetRow(inv, map[string]any{"name": "New"})); err == nil || !strings.Contains(err.Error(), "names none for new rows") {
		t.Fatalf("new row without new_rows: %v", err)
	}
	inv, err = Compile(parts, Options{NewRows: "east"})
	if err != nil {
		t.Fatal(err)
	}
	r, err = inv.Row(ctx, targetRow(inv, map[string]any{"name": "New"}))
	if err != nil || r.Source != "east" || r.Table != "staff" || r.KeyValues != nil {
		t.Fatalf("new row: %+v, %v; want east.staff without a key", r, err)
	}
}

func TestIrreversibleTablesAreRefused(t *testing.T) {
	p := buildPlan(t, clinicYAML+"  clinic.Visits: {where: \"Note IS NOT NULL\"}\n", clinic())
	_, err := Compile([]*plan.Table{p.Table("clinic.Visits")}, Options{Refs: func(context.Context, string, string, [16]byte) (Ref, bool, error) { return Ref{}, false, nil }})
	if err == nil || !strings.Contains(err.Error(), "cannot be written back: filtered") {
		t.Fatalf("filtered table: %v", err)
	}
}

// A rewritten foreign key goes back as what the lookup finds: the legacy
// key (as a column holds it or as a KeyText), the key an earlier insert of
// the batch will get, or a clear refusal; a delete needs no lookup.
func TestForeignKeysResolveThroughTheLookup(t *testing.T) {
	ctx := context.Background()
	p := buildPlan(t, clinicYAML, clinic())
	found := map[[16]byte]Ref{
		{1}: {Owner: "clinic", Legacy: int64(7)},
		{2}: {Owner: "clinic", Legacy: KeyText("8")},
		{3}: {Owner: "clinic", Pending: []any{sluice.GeneratedRef{Change: 0}}},
		{4}: {Owner: "west", Legacy: int64(7)},
		{5}: {Owner: "clinic"},
	}
	var lookups int
	refs := func(_ context.Context, source, table string, id [16]byte) (Ref, bool, error) {
		lookups++
		r, ok := found[id]
		return r, ok, nil
	}
	inv, err := Compile([]*plan.Table{p.Table("clinic.Visits")}, Options{Refs: refs})
	if err != nil {
		t.Fatal(err)
	}
	row := func(patient [16]byte) []any {
		return targetRow(inv, map[string]any{"legacy_id": "7|3", "patient_id": patient})
	}
	for id, want := range map[byte]string{1: "[<nil> 7]", 2: "[<nil> 8]", 3: "[<nil> {0 0}]"} {
		r, err := inv.Row(ctx, row([16]byte{id}))
		if err != nil || fmt.Sprint(r.Values) != want {
			t.Errorf("reference %d: %v, %v; want %s", id, r.Values, err, want)
		}
	}
	for id, want := range map[byte]string{4: "belongs to source west, not clinic", 5: "has no legacy key: it was inserted on the target", 6: "on the target or in the source"} {
		if _, err := inv.Row(ctx, row([16]byte{id})); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("reference %d: %v; want %q", id, err, want)
		}
	}
	lookups = 0
	del, err := inv.Change(ctx, sluice.Change{Kind: sluice.ChangeDelete, Before: row([16]byte{6})})
	if err != nil || fmt.Sprint(del.KeyValues) != "[7 3]" || lookups != 0 {
		t.Errorf("delete of a row whose parent is gone: %+v, %v, %d lookups", del, err, lookups)
	}
}
