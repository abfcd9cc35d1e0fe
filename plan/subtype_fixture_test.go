package plan

import (
	"os"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// The EMR fixture: an OpenMRS-like schema whose tables extend others by
// sharing their key (patient -> person, concept_numeric -> concept,
// drug_order and test_order -> orders, drug_order_detail -> drug_order ->
// orders), a composite subtype whose foreign key lists its columns in
// another order than its key, references to subtypes, a cycle person <->
// users, self-references, subtypes of and under a keys: keep table, and
// source columns named like the columns keys add (ID, legacy_id).

func intCol(name string, nullable bool) sluice.Column {
	return col(name, intT("int(11)", 32, false), nullable)
}

func fk(cols []string, table string, refCols ...string) sluice.ForeignKey {
	return sluice.ForeignKey{Name: "fk_" + table + "_" + cols[0], Columns: cols, RefTable: table, RefColumns: refCols}
}

func emrSchema() *sluice.Schema {
	vc := func(name string) sluice.Column { return col(name, strT("varchar(50)", 50), true) }
	dbl := func(name string) sluice.Column {
		return col(name, sluice.Type{Kind: sluice.KindFloat, Raw: "double", Bits: 64}, true)
	}
	one := func(c string) []string { return []string{c} }
	return &sluice.Schema{Source: "emr", Engine: "mysql", Tables: []sluice.Table{
		{Name: "person", PrimaryKey: one("person_id"),
			Columns:     []sluice.Column{intCol("person_id", false), vc("gender"), col("birthdate", kindT(sluice.KindDate, "date"), true), intCol("creator", true)},
			ForeignKeys: []sluice.ForeignKey{fk(one("creator"), "users", "user_id")}},
		{Name: "users", PrimaryKey: one("user_id"),
			Columns:     []sluice.Column{intCol("user_id", false), vc("username"), intCol("person_id", true), intCol("creator", true)},
			ForeignKeys: []sluice.ForeignKey{fk(one("person_id"), "person", "person_id"), fk(one("creator"), "users", "user_id")}},
		{Name: "patient", PrimaryKey: one("patient_id"),
			Columns:     []sluice.Column{intCol("patient_id", false), intCol("creator", true), vc("allergy_codes")},
			ForeignKeys: []sluice.ForeignKey{fk(one("patient_id"), "person", "person_id"), fk(one("creator"), "users", "user_id")}},
		{Name: "concept", PrimaryKey: one("concept_id"),
			Columns:     []sluice.Column{intCol("concept_id", false), vc("short_name"), intCol("creator", true)},
			ForeignKeys: []sluice.ForeignKey{fk(one("creator"), "users", "user_id")}},
		{Name: "concept_numeric", PrimaryKey: one("concept_id"),
			Columns:     []sluice.Column{intCol("concept_id", false), dbl("hi_normal"), vc("units")},
			ForeignKeys: []sluice.ForeignKey{fk(one("concept_id"), "concept", "concept_id")}},
		{Name: "orders", PrimaryKey: one("order_id"),
			Columns: []sluice.Column{intCol("order_id", false), intCol("patient_id", false), intCol("concept_id", true), intCol("previous_order_id", true)},
			ForeignKeys: []sluice.ForeignKey{fk(one("patient_id"), "patient", "patient_id"), fk(one("concept_id"), "concept", "concept_id"),
				fk(one("previous_order_id"), "orders", "order_id")}},
		{Name: "drug_order", PrimaryKey: one("order_id"),
			Columns:     []sluice.Column{intCol("order_id", false), dbl("dose")},
			ForeignKeys: []sluice.ForeignKey{fk(one("order_id"), "orders", "order_id")}},
		{Name: "drug_order_detail", PrimaryKey: one("order_id"),
			Columns:     []sluice.Column{intCol("order_id", false), vc("instructions")},
			ForeignKeys: []sluice.ForeignKey{fk(one("order_id"), "drug_order", "order_id")}},
		{Name: "test_order", PrimaryKey: one("order_id"),
			Columns:     []sluice.Column{intCol("order_id", false), intCol("specimen_source", true)},
			ForeignKeys: []sluice.ForeignKey{fk(one("order_id"), "orders", "order_id"), fk(one("specimen_source"), "concept", "concept_id")}},
		{Name: "obs", PrimaryKey: one("obs_id"),
			Columns: []sluice.Column{intCol("obs_id", false), intCol("person_id", false), intCol("concept_id", false), intCol("order_id", true),
				intCol("obs_group_id", true), dbl("value_numeric")},
			ForeignKeys: []sluice.ForeignKey{fk(one("person_id"), "person", "person_id"), fk(one("concept_id"), "concept", "concept_id"),
				fk(one("order_id"), "orders", "order_id"), fk(one("obs_group_id"), "obs", "obs_id")}},
		{Name: "encounter", PrimaryKey: one("encounter_id"),
			Columns:     []sluice.Column{intCol("encounter_id", false), intCol("patient_id", false)},
			ForeignKeys: []sluice.ForeignKey{fk(one("patient_id"), "patient", "patient_id")}},
		{Name: "order_note", PrimaryKey: one("note_id"),
			Columns:     []sluice.Column{intCol("note_id", false), intCol("order_id", false), vc("note")},
			ForeignKeys: []sluice.ForeignKey{fk(one("order_id"), "drug_order_detail", "order_id")}},
		{Name: "concept_set", PrimaryKey: []string{"concept_id", "concept_set"},
			Columns:     []sluice.Column{intCol("concept_id", false), intCol("concept_set", false), dbl("sort_weight")},
			Indexes:     []sluice.Index{{Name: "set_member", Columns: []string{"concept_set", "concept_id"}, Unique: true}},
			ForeignKeys: []sluice.ForeignKey{fk(one("concept_id"), "concept", "concept_id"), fk(one("concept_set"), "concept", "concept_id")}},
		// Its key lists member first; its foreign key lists the set first.
		{Name: "concept_set_detail", PrimaryKey: []string{"member_id", "set_id"},
			Columns:     []sluice.Column{intCol("member_id", false), intCol("set_id", false), vc("note")},
			ForeignKeys: []sluice.ForeignKey{fk([]string{"set_id", "member_id"}, "concept_set", "concept_set", "concept_id")}},
		{Name: "concept_set_usage", PrimaryKey: one("usage_id"),
			Columns:     []sluice.Column{intCol("usage_id", false), intCol("s", true), intCol("m", true)},
			ForeignKeys: []sluice.ForeignKey{fk([]string{"s", "m"}, "concept_set_detail", "set_id", "member_id")}},
		{Name: "person_attribute", PrimaryKey: []string{"person_id", "attribute_type_id"},
			Columns:     []sluice.Column{intCol("person_id", false), intCol("attribute_type_id", false), vc("ID"), vc("value")},
			ForeignKeys: []sluice.ForeignKey{fk(one("person_id"), "person", "person_id")}},
		{Name: "location", PrimaryKey: one("location_id"),
			Columns: []sluice.Column{intCol("location_id", false), vc("name"), vc("legacy_id")}},
		{Name: "visit_type", PrimaryKey: one("visit_type_id"),
			Columns: []sluice.Column{intCol("visit_type_id", false), vc("name")}},
		{Name: "visit_type_ext", PrimaryKey: one("visit_type_id"),
			Columns:     []sluice.Column{intCol("visit_type_id", false), vc("description")},
			ForeignKeys: []sluice.ForeignKey{fk(one("visit_type_id"), "visit_type", "visit_type_id")}},
		{Name: "provider", PrimaryKey: one("provider_id"),
			Columns:     []sluice.Column{intCol("provider_id", false), vc("identifier")},
			ForeignKeys: []sluice.ForeignKey{fk(one("provider_id"), "person", "person_id")}},
		{Name: "encounter_provider", PrimaryKey: one("encounter_provider_id"),
			Columns:     []sluice.Column{intCol("encounter_provider_id", false), intCol("encounter_id", false), intCol("provider_id", false)},
			ForeignKeys: []sluice.ForeignKey{fk(one("encounter_id"), "encounter", "encounter_id"), fk(one("provider_id"), "provider", "provider_id")}},
	}}
}

// emrConfig parses testdata/subtype.yaml, the EMR fixture's config.
func emrConfig(t *testing.T) *config.Config {
	t.Helper()
	f, err := os.Open("testdata/subtype.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := config.Parse(f, "subtype.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return cfg
}

func emrPlan(t *testing.T) *Plan {
	t.Helper()
	p, err := Build(emrConfig(t), []*sluice.Schema{emrSchema()})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}
