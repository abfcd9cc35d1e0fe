package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// A table whose primary key references another's takes the identity of
// the chain's root, and every reference to it computes the same.
func TestSubtypeIdentities(t *testing.T) {
	p := emrPlan(t)
	cases := []struct {
		table, column  string
		role           Role
		refTable       string // RoleRefUUID: the referenced table
		identity       string // "" for the table's own or the referenced table's
		keys           []string
		sharesWithRoot bool
	}{
		{"emr.person", "person_id", RoleRowUUID, "", "", []string{"person_id"}, false},
		{"emr.patient", "patient_id", RoleRowUUID, "", "emr.person", []string{"patient_id"}, true},
		{"emr.concept_numeric", "concept_id", RoleRowUUID, "", "emr.concept", []string{"concept_id"}, true},
		{"emr.drug_order", "order_id", RoleRowUUID, "", "emr.orders", []string{"order_id"}, true},
		{"emr.test_order", "order_id", RoleRowUUID, "", "emr.orders", []string{"order_id"}, true},
		// A chain of three: drug_order_detail -> drug_order -> orders.
		{"emr.drug_order_detail", "order_id", RoleRowUUID, "", "emr.orders", []string{"order_id"}, true},
		// The key columns follow the root's key order (concept_id, concept_set).
		{"emr.concept_set_detail", "id", RoleRowUUID, "", "emr.concept_set", []string{"member_id", "set_id"}, true},
		// References to subtypes compute the root's identity.
		{"emr.orders", "patient_id", RoleRefUUID, "patient", "emr.person", []string{"patient_id"}, false},
		{"emr.encounter", "patient_id", RoleRefUUID, "patient", "emr.person", []string{"patient_id"}, false},
		{"emr.order_note", "order_id", RoleRefUUID, "drug_order_detail", "emr.orders", []string{"order_id"}, false},
		{"emr.concept_set_usage", "concept_set_detail_id", RoleRefUUID, "concept_set_detail", "emr.concept_set", []string{"m", "s"}, false},
		{"emr.patient#allergies", "patient_id", RoleRefUUID, "patient", "emr.person", []string{"patient_id"}, false},
		// References to roots are as they were.
		{"emr.obs", "order_id", RoleRefUUID, "orders", "", []string{"order_id"}, false},
		{"emr.users", "creator", RoleRefUUID, "users", "", []string{"creator"}, false},
		// A table whose parent keeps its keys has its own identity.
		{"emr.visit_type_ext", "visit_type_id", RoleRowUUID, "", "", []string{"visit_type_id"}, false},
	}
	for _, c := range cases {
		t.Run(c.table+"."+c.column, func(t *testing.T) {
			tbl := table(t, p, c.table)
			col := column(t, tbl, c.column)
			identity := ""
			if col.IdentityTable != "" {
				identity = col.IdentitySource + "." + col.IdentityTable
			}
			if col.Role != c.role || col.RefTable != c.refTable || identity != c.identity || !slices.Equal(col.KeyColumns, c.keys) {
				t.Errorf("%+v, want role %s, references %q, identity %q, key columns %v", col, c.role, c.refTable, c.identity, c.keys)
			}
			src, tab := col.Identity(tbl)
			if want := or(c.identity, tbl.Source+"."+or(c.refTable, tbl.SourceTable)); src+"."+tab != want {
				t.Errorf("Identity() = %s.%s, want %s", src, tab, want)
			}
		})
	}
}

// The constraints: a subtype's row uuid references its parent's; a table
// and a keys: keep table sharing a key reference each other's legacy key.
func TestSubtypeForeignKeys(t *testing.T) {
	p := emrPlan(t)
	cases := []struct {
		table string
		want  ForeignKey
	}{
		{"emr.patient", ForeignKey{Columns: []string{"patient_id"}, RefTable: "person", RefColumns: []string{"person_id"}}},
		{"emr.drug_order_detail", ForeignKey{Columns: []string{"order_id"}, RefTable: "drug_order", RefColumns: []string{"order_id"}}},
		{"emr.concept_set_detail", ForeignKey{Columns: []string{"id"}, RefTable: "concept_set", RefColumns: []string{"id"}}},
		// Under a keys: keep parent the legacy key references its key.
		{"emr.visit_type_ext", ForeignKey{Columns: []string{"legacy_id"}, RefTable: "visit_type", RefColumns: []string{"visit_type_id"}}},
		// A keys: keep subtype keeps its key, which references the legacy key.
		{"emr.provider", ForeignKey{Columns: []string{"provider_id"}, RefTable: "person", RefColumns: []string{"legacy_id"}}},
		// And is referenced by its key's value.
		{"emr.encounter_provider", ForeignKey{Columns: []string{"provider_id"}, RefTable: "provider", RefColumns: []string{"provider_id"}}},
	}
	for _, c := range cases {
		fks := table(t, p, c.table).ForeignKeys
		if !slices.ContainsFunc(fks, func(fk ForeignKey) bool {
			return slices.Equal(fk.Columns, c.want.Columns) && fk.RefTable == c.want.RefTable && slices.Equal(fk.RefColumns, c.want.RefColumns)
		}) {
			t.Errorf("%s: foreign keys %+v lack %+v", c.table, fks, c.want)
		}
	}
	if c := column(t, table(t, p, "emr.provider"), "provider_id"); c.Role != RoleValue || c.Type != "integer" {
		t.Errorf("provider.provider_id = %+v: the key of a keys: keep table stays its value", c)
	}
	for _, id := range []string{"emr.patient", "emr.concept_set_detail"} {
		for _, c := range table(t, p, id).Columns {
			if c.Role == RoleRefUUID && c.RefTable != "users" {
				t.Errorf("%s has the reference column %s: its row uuid is the reference", id, c.Name)
			}
		}
	}
}

// A subtype's identity is part of its mapping: the same table planned
// with its own identity hashes otherwise.
func TestSubtypeHash(t *testing.T) {
	sub := table(t, emrPlan(t), "emr.patient")
	own := *sub
	own.Columns = slices.Clone(sub.Columns)
	own.Columns[0].IdentitySource, own.Columns[0].IdentityTable = "", ""
	if sub.Hash(sluice.DefaultNamespace) == own.Hash(sluice.DefaultNamespace) {
		t.Error("the identity does not change the hash")
	}
}

// subtypeCycleSchema: a's key references b's, b's references c's, c's references
// a's; d's key references a's (a subtype behind the cycle).
func subtypeCycleSchema() []*sluice.Schema {
	table := func(name, ref string) sluice.Table {
		return sluice.Table{Name: name, PrimaryKey: []string{"id"}, Columns: []sluice.Column{intCol("id", false), intCol("n", true)},
			ForeignKeys: []sluice.ForeignKey{fk([]string{"id"}, ref, "id")}}
	}
	return []*sluice.Schema{{Source: "s", Engine: "mysql", Tables: []sluice.Table{
		table("d", "a"), table("b", "c"), table("a", "b"), table("c", "a"),
	}}}
}

func TestSubtypeCycle(t *testing.T) {
	cfg := shopConfig(config.KeysUUID, config.TableRule{Source: "s", Table: "b", Line: 4})
	checkErrors(t, cfg, subtypeCycleSchema(), []string{
		`shop.yaml: tables.s.a: keys: uuid: the primary key of each of these tables is a foreign key to the next one's key (s.a -> s.b -> s.c -> s.a): ` +
			`a table whose key references another's takes that table's row uuids, and this cycle has no table to take them from; ` +
			`set keys: keep on one of them (its key stays as it is, and the references to it are kept as legacy keys)`,
	})
	// The advice, applied, plans: b keeps its key, which references c's
	// legacy key; a, whose parent b has no uuids, keeps its own identity,
	// and its legacy key references b's key; c and d take a's identity.
	cfg.Tables[0].Keys = config.KeysKeep
	p, err := Build(cfg, subtypeCycleSchema())
	if err != nil {
		t.Fatalf("keys: keep on one table of the cycle: %v", err)
	}
	for id, want := range map[string]string{"s.a": "", "s.c": "a", "s.d": "a"} {
		if got := column(t, table(t, p, id), "id").IdentityTable; got != want {
			t.Errorf("%s takes the identity of %q, want %q", id, got, want)
		}
	}
	wantFKs := map[string]ForeignKey{
		"s.a": {Name: "a_legacy_id_fkey", Columns: []string{"legacy_id"}, RefTable: "b", RefColumns: []string{"id"}},
		"s.b": {Name: "b_id_fkey", Columns: []string{"id"}, RefTable: "c", RefColumns: []string{"legacy_id"}},
		"s.c": {Name: "c_id_fkey", Columns: []string{"id"}, RefTable: "a", RefColumns: []string{"id"}},
		"s.d": {Name: "d_id_fkey", Columns: []string{"id"}, RefTable: "a", RefColumns: []string{"id"}},
	}
	for id, want := range wantFKs {
		if fks := table(t, p, id).ForeignKeys; !slices.EqualFunc(fks, []ForeignKey{want}, fkEqual) {
			t.Errorf("%s: foreign keys %+v, want %+v", id, fks, want)
		}
	}
}

// A key referencing the table itself is its own identity.
func TestSubtypeSelf(t *testing.T) {
	s := []*sluice.Schema{{Source: "s", Engine: "mysql", Tables: []sluice.Table{{Name: "t", PrimaryKey: []string{"id"},
		Columns: []sluice.Column{intCol("id", false)}, ForeignKeys: []sluice.ForeignKey{fk([]string{"id"}, "t", "id")}}}}}
	p, err := Build(shopConfig(config.KeysUUID), s)
	if err != nil {
		t.Fatal(err)
	}
	tbl := table(t, p, "s.t")
	if c := column(t, tbl, "id"); c.IdentityTable != "" || c.Role != RoleRowUUID {
		t.Errorf("id = %+v", c)
	}
	want := []ForeignKey{{Name: "t_id_fkey", Columns: []string{"id"}, RefTable: "t", RefColumns: []string{"id"}}}
	if !slices.EqualFunc(tbl.ForeignKeys, want, fkEqual) {
		t.Errorf("foreign keys %+v", tbl.ForeignKeys)
	}
}

func planYAML(t *testing.T, yaml string, schemas ...*sluice.Schema) (*Plan, error) {
	t.Helper()
	cfg, err := config.Parse(strings.NewReader(yaml), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return Build(cfg, schemas)
}

// clinicWithPatients: person(id, mrn), registry(id), and patient, whose
// key references each of parents.
func clinicWithPatients(source string, parents ...string) *sluice.Schema {
	patient := sluice.Table{Name: "patient", PrimaryKey: []string{"id"}, Columns: []sluice.Column{intCol("id", false), col("note", strT("varchar(20)", 20), true)}}
	for _, p := range parents {
		patient.ForeignKeys = append(patient.ForeignKeys, fk([]string{"id"}, p, "id"))
	}
	return &sluice.Schema{Source: source, Engine: "mysql", Tables: []sluice.Table{
		{Name: "person", PrimaryKey: []string{"id"}, Columns: []sluice.Column{intCol("id", false), col("mrn", strT("varchar(20)", 20), false)}},
		{Name: "registry", PrimaryKey: []string{"id"}, Columns: []sluice.Column{intCol("id", false)}},
		patient,
	}}
}

func hasWarning(p *Plan, table, text string) bool {
	return slices.ContainsFunc(p.Warnings, func(w Warning) bool { return w.Table == table && strings.Contains(w.Message, text) })
}

// Where a key references rows that cannot lend their identity, the table
// keeps its own uuids and the reference gets a column of its own, with a
// warning: a second parent with another root, a table merged on a natural
// key, and a part of a merged table.
func TestSubtypeOwnIdentity(t *testing.T) {
	t.Run("second parent", func(t *testing.T) {
		p, err := planYAML(t, "version: 1\nsources: {c: {url: 'mysql://c'}}\ntarget: {url: 'postgres://t'}\ndefaults: {keys: uuid}\n", clinicWithPatients("c", "person", "registry"))
		if err != nil {
			t.Fatal(err)
		}
		pt := table(t, p, "c.patient")
		if id := column(t, pt, "id"); id.IdentityTable != "person" {
			t.Errorf("id = %+v: the first foreign key on the key gives the identity", id)
		}
		ref := column(t, pt, "registry_id")
		if ref.Role != RoleRefUUID || ref.RefTable != "registry" || ref.IdentityTable != "" || !slices.Equal(ref.KeyColumns, []string{"id"}) || !ref.NotNull {
			t.Errorf("registry_id = %+v", ref)
		}
		if !hasWarning(p, "c.patient", "primary key (id) references c.registry, but its rows take the identity of c.person") {
			t.Errorf("no warning: %+v", p.Warnings)
		}
	})
	t.Run("matched parent", func(t *testing.T) {
		p, err := planYAML(t, `version: 1
sources: {east: {url: 'mysql://e'}, west: {url: 'mysql://w'}}
target: {url: 'postgres://t'}
defaults: {keys: uuid}
tables:
  west.patient: {target: west_patient}
  west.registry: {target: west_registry}
  people: {from: [east.person, west.person], match_on: [mrn]}
`, clinicWithPatients("east", "person"), clinicWithPatients("west", "person"))
		if err != nil {
			t.Fatal(err)
		}
		pt := table(t, p, "east.patient")
		if id := column(t, pt, "id"); id.IdentityTable != "" || id.Role != RoleRowUUID {
			t.Errorf("id = %+v: a matched table cannot lend its identity", id)
		}
		if ref := column(t, pt, "people_id"); ref.Role != RoleRefUUID || ref.RefTable != "person" || !ref.ResolveMatch {
			t.Errorf("people_id = %+v", ref)
		}
		if !hasWarning(p, "east.patient", "identified by their natural key") {
			t.Errorf("no warning: %+v", p.Warnings)
		}
	})
	t.Run("merged part", func(t *testing.T) {
		p, err := planYAML(t, `version: 1
sources: {east: {url: 'mysql://e'}, west: {url: 'mysql://w'}}
target: {url: 'postgres://t'}
defaults: {keys: uuid}
tables:
  west.person: {target: west_person}
  west.registry: {target: west_registry}
  patients: {from: [east.patient, west.patient]}
`, clinicWithPatients("east", "person"), clinicWithPatients("west", "person"))
		if err != nil {
			t.Fatal(err)
		}
		pt := table(t, p, "east.patient")
		if ref := column(t, pt, "person_id"); ref.Role != RoleRefUUID || ref.RefTable != "person" || ref.RefSource != "east" {
			t.Errorf("person_id = %+v", ref)
		}
		if !hasWarning(p, "east.patient", "a part of a merged table keeps its own identity") {
			t.Errorf("no warning: %+v", p.Warnings)
		}
	})
}

// A keys: keep table's key is its legacy key and is never rewritten, even
// in part: the key column referencing a keys: uuid table references its
// legacy column. Its other references still become uuids.
func TestKeepKeyNeverRewritten(t *testing.T) {
	s := []*sluice.Schema{{Source: "s", Engine: "mysql", Tables: []sluice.Table{
		{Name: "parent", PrimaryKey: []string{"id"}, Columns: []sluice.Column{intCol("id", false)}},
		{Name: "child", PrimaryKey: []string{"a", "b"}, Columns: []sluice.Column{intCol("a", false), intCol("b", false), intCol("c", true)},
			ForeignKeys: []sluice.ForeignKey{fk([]string{"a"}, "parent", "id"), fk([]string{"c"}, "parent", "id")}},
	}}}
	p, err := Build(shopConfig(config.KeysUUID, config.TableRule{Source: "s", Table: "child", Keys: config.KeysKeep}), s)
	if err != nil {
		t.Fatal(err)
	}
	child := table(t, p, "s.child")
	if a := column(t, child, "a"); a.Role != RoleValue || a.Type != "integer" {
		t.Errorf("a = %+v", a)
	}
	if c := column(t, child, "c"); c.Role != RoleRefUUID {
		t.Errorf("c = %+v", c)
	}
	want := []ForeignKey{
		{Name: "child_a_fkey", Columns: []string{"a"}, RefTable: "parent", RefColumns: []string{"legacy_id"}},
		{Name: "child_c_fkey", Columns: []string{"c"}, RefTable: "parent", RefColumns: []string{"id"}},
	}
	if !slices.EqualFunc(child.ForeignKeys, want, fkEqual) {
		t.Errorf("foreign keys %+v, want %+v", child.ForeignKeys, want)
	}
	if !slices.Equal(child.PrimaryKey, []string{"a", "b"}) {
		t.Errorf("primary key %v", child.PrimaryKey)
	}
}

// A subtype link declared in the config (a source without foreign keys,
// such as MyISAM) works like the source's own.
func TestSubtypeDeclared(t *testing.T) {
	s := emrSchema()
	for i := range s.Tables {
		s.Tables[i].ForeignKeys = nil
	}
	p, err := planYAML(t, `version: 1
sources: {emr: {url: 'mysql://e'}}
target: {url: 'postgres://t'}
defaults: {keys: uuid}
tables:
  emr.patient:
    columns: {patient_id: {references: emr.person}}
  emr.encounter:
    columns: {patient_id: {references: emr.patient}}
`, s)
	if err != nil {
		t.Fatal(err)
	}
	if c := column(t, table(t, p, "emr.patient"), "patient_id"); c.IdentityTable != "person" || c.Role != RoleRowUUID {
		t.Errorf("patient.patient_id = %+v", c)
	}
	if c := column(t, table(t, p, "emr.encounter"), "patient_id"); c.IdentityTable != "person" || c.RefTable != "patient" {
		t.Errorf("encounter.patient_id = %+v", c)
	}
}
