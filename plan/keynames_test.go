package plan

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// A source column named like a column keys add under its default name is
// renamed, with a warning; the added column keeps its documented name.
func TestKeyNamesRenamed(t *testing.T) {
	p := emrPlan(t)
	cases := []struct {
		table, source, name, warning string
	}{
		{"emr.person_attribute", "ID", "id_2", "column ID is named id_2 in the target: id is the row uuid of the composite primary key"},
		{"emr.location", "legacy_id", "legacy_id_2", "column legacy_id is named legacy_id_2 in the target: legacy_id is the legacy key column (legacy_column)"},
	}
	for _, c := range cases {
		tbl := table(t, p, c.table)
		if col := column(t, tbl, c.name); col.Role != RoleValue || col.Source != c.source {
			t.Errorf("%s.%s = %+v, want the value of %s", c.table, c.name, col, c.source)
		}
		if !hasWarning(p, c.table, c.warning) {
			t.Errorf("%s: no warning %q in %+v", c.table, c.warning, p.Warnings)
		}
	}
	if c := column(t, table(t, p, "emr.person_attribute"), "id"); c.Role != RoleRowUUID {
		t.Errorf("id = %+v, want the row uuid", c)
	}
	if c := column(t, table(t, p, "emr.location"), "legacy_id"); c.Role != RoleLegacyKey {
		t.Errorf("legacy_id = %+v, want the legacy key", c)
	}
}

// The columns of a merged table: a part's own id and source columns give
// way to the merged table's, alike in every part.
func TestKeyNamesMerged(t *testing.T) {
	part := func(source string) *sluice.Schema {
		return &sluice.Schema{Source: source, Engine: "mysql", Tables: []sluice.Table{{Name: "people", PrimaryKey: []string{"pid"},
			Columns: []sluice.Column{intCol("pid", false), col("ID", strT("varchar(9)", 9), true), col("Source", strT("varchar(9)", 9), true)}}}}
	}
	p, err := planYAML(t, "version: 1\nsources: {a: {url: 'mysql://a'}, b: {url: 'mysql://b'}}\ntarget: {url: 'postgres://t'}\ntables:\n  people: {from: [a.people, b.people]}\n",
		part("a"), part("b"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a.people", "b.people"} {
		if got := strings.Join(columnNamesOf(table(t, p, id)), ","); got != "id,legacy_id,source,id_2,source_2,sluice_row_hash" {
			t.Errorf("%s columns: %s", id, got)
		}
	}
}

// A foreign key's uuid column takes the first free name.
func TestKeyNamesReferenceColumn(t *testing.T) {
	p, err := Build(shopConfig(config.KeysUUID), shopSchemas())
	if err != nil {
		t.Fatal(err)
	}
	lines := table(t, p, "shop.Lines")
	if c := column(t, lines, "orders_id"); c.Role != RoleValue {
		t.Errorf("orders_id = %+v: the source column keeps its name", c)
	}
	if c := column(t, lines, "orders_id_2"); c.Role != RoleRefUUID || c.RefTable != "Orders" {
		t.Errorf("orders_id_2 = %+v", c)
	}
	if fk := lines.ForeignKeys; len(fk) != 1 || fk[0].Columns[0] != "orders_id_2" {
		t.Errorf("foreign keys %+v", fk)
	}
}

// A clash with a name the config chooses is an error that proposes a free
// name; the proposal, applied to the config, plans.
func TestKeyNamesAdviceConverges(t *testing.T) {
	head := "version: 1\nsources: {emr: {url: 'mysql://e'}}\ntarget: {url: 'postgres://t'}\ndefaults: {keys: uuid}\ntables:\n"
	cases := []struct {
		name, rules, want string
	}{
		{"named like the row uuid", "  emr.person_attribute:\n    columns: {ID: {name: id}}\n",
			`sluice.yaml:7: tables.emr.person_attribute.columns.ID: target column "id" comes from both the row uuid of the composite primary key and column ID; give one of them another name, e.g. tables.emr.person_attribute.columns.ID.name: id_2`},
		{"legacy column named like a column", "  emr.location:\n    legacy_column: name\n",
			`sluice.yaml:6: tables.emr.location: target column "name" comes from both the legacy key column (legacy_column) and column name; give one of them another name, e.g. tables.emr.location.columns.name.name: name_2`},
		{"legacy column named like a renamed column", "  emr.location:\n    legacy_column: label\n    columns: {name: {name: label}}\n",
			`sluice.yaml:8: tables.emr.location.columns.name: target column "label" comes from both the legacy key column (legacy_column) and column name; give one of them another name, e.g. tables.emr.location.columns.name.name: label_2`},
		{"computed like the legacy column", "  emr.location:\n    computed: {legacy_id: {expr: 'name'}}\n",
			`sluice.yaml:7: tables.emr.location.computed.legacy_id: target column "legacy_id" comes from both the legacy key column (legacy_column) and the computed column legacy_id; give one of them another name, e.g. rename tables.emr.location.computed.legacy_id to legacy_id_3`},
		{"legacy column named like the key", "  emr.visit_type_ext:\n    legacy_column: visit_type_id\n",
			`sluice.yaml:6: tables.emr.visit_type_ext: target column "visit_type_id" comes from both column visit_type_id and the legacy key column (legacy_column); give one of them another name, e.g. tables.emr.visit_type_ext.legacy_column: visit_type_id_2`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			yaml := head + c.rules
			_, err := planYAML(t, yaml, emrSchema())
			if err == nil || err.Error() != c.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, c.want)
			}
			cfg, perr := config.Parse(strings.NewReader(yaml), "sluice.yaml")
			if perr != nil {
				t.Fatal(perr)
			}
			applyAdvice(t, cfg, err)
			if _, err := Build(cfg, []*sluice.Schema{emrSchema()}); err != nil {
				t.Errorf("with the advice applied: %v", err)
			}
		})
	}
}

var adviceRE = regexp.MustCompile(`e\.g\. (?:rename tables\.(\w+)\.(\w+)\.computed\.(\w+) to (\w+)|tables\.(\w+)\.(\w+)\.(?:columns\.(\w+)\.name|(legacy_column)): (\w+))$`)

// applyAdvice changes cfg as the advice at the end of err's message says.
func applyAdvice(t *testing.T, cfg *config.Config, err error) {
	t.Helper()
	var errs config.Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("want one config error, got %v", err)
	}
	m := adviceRE.FindStringSubmatch(errs[0].Msg)
	switch {
	case m == nil:
		t.Fatalf("no advice in %q", errs[0].Msg)
	case m[1] != "":
		r := cfg.Rule(m[1], m[2])
		for i := range r.Computed {
			if r.Computed[i].Column == m[3] {
				r.Computed[i].Column = m[4]
			}
		}
	case m[7] != "":
		r := cfg.Rule(m[5], m[6])
		if r.Column(m[7]) == nil {
			r.Columns = append(r.Columns, config.ColumnRule{Name: m[7]})
		}
		r.Column(m[7]).Target = m[9]
	default:
		cfg.Rule(m[5], m[6]).LegacyColumn = m[9]
	}
}
