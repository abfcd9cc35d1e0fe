package plan

import (
	"slices"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

func planIDs(p *Plan) []string {
	ids := make([]string, len(p.Tables))
	for i, t := range p.Tables {
		ids[i] = t.ID
	}
	return ids
}

func TestLoadOrderFixture(t *testing.T) {
	p := buildVariant(t, uuidDefaults())
	want := []string{
		"clinic.AuditLog", "clinic.Settings", "pharmacy.Drugs", "pharmacy.Stock",
		"clinic.Departments", "clinic.Doctors", "clinic.Patients", "clinic.Orders", "clinic.OrderLines",
	}
	if got := planIDs(p); !slices.Equal(got, want) {
		t.Errorf("order = %v\nwant    %v", got, want)
	}
}

// cycleSchema: A -> B -> C -> A, D -> A, E -> D, F alone, and A references
// itself (which never orders anything).
func cycleSchema() []*sluice.Schema {
	tbl := func(name string, refs ...string) sluice.Table {
		t := sluice.Table{Name: name, PrimaryKey: []string{"ID"}, Columns: []sluice.Column{col("ID", intT("int", 32, false), false)}}
		for _, r := range refs {
			t.Columns = append(t.Columns, col(r+"ID", intT("int", 32, false), true))
			t.ForeignKeys = append(t.ForeignKeys, fkTo([]string{r + "ID"}, r, []string{"ID"}))
		}
		return t
	}
	return []*sluice.Schema{
		{Source: "z", Engine: "mysql", Tables: []sluice.Table{tbl("F")}},
		{Source: "m", Engine: "mysql", Tables: []sluice.Table{
			tbl("E", "D"), tbl("D", "A"), tbl("C", "A"), tbl("B", "C"), tbl("A", "B", "A"),
		}},
	}
}

func TestLoadOrderCycle(t *testing.T) {
	for _, keys := range []string{config.KeysKeep, config.KeysUUID} {
		p, err := Build(shopConfig(keys), cycleSchema())
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"z.F", "m.A", "m.C", "m.B", "m.D", "m.E"}
		if got := planIDs(p); !slices.Equal(got, want) {
			t.Errorf("keys %s: order = %v, want %v", keys, got, want)
		}
		msg := "foreign key cycle m.A -> m.B -> m.C -> m.A: m.A is loaded first; foreign keys are added after the data, so the cycle does not block the load"
		if !slices.Contains(p.Warnings, Warning{Message: msg}) {
			t.Errorf("keys %s: warnings %+v lack %q", keys, p.Warnings, msg)
		}
	}
}

// A cycle reached only through a table outside it is named from its own
// first member; once it is broken, the rest follows by sort order.
func TestLoadOrderCycleBehindTable(t *testing.T) {
	tbl := func(name string, refs ...string) sluice.Table {
		t := sluice.Table{Name: name, PrimaryKey: []string{"ID"}, Columns: []sluice.Column{col("ID", intT("int", 32, false), false)}}
		for _, r := range refs {
			t.Columns = append(t.Columns, col(r+"ID", intT("int", 32, false), true))
			t.ForeignKeys = append(t.ForeignKeys, fkTo([]string{r + "ID"}, r, []string{"ID"}))
		}
		return t
	}
	schemas := []*sluice.Schema{{Source: "s", Engine: "mysql", Tables: []sluice.Table{tbl("A", "C"), tbl("C", "D"), tbl("D", "C")}}}
	p, err := Build(shopConfig(""), schemas)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := planIDs(p), []string{"s.C", "s.A", "s.D"}; !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Message[:37] != "foreign key cycle s.C -> s.D -> s.C: " {
		t.Errorf("warnings = %+v", p.Warnings)
	}
}
