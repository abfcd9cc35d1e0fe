package config

import (
	"slices"
	"strings"
	"testing"
)

func TestIndexRuleErrors(t *testing.T) {
	const table = header + "tables:\n  clinical.Patients:\n    indexes:\n"
	tests := []struct {
		name, text string
		want       []string
	}{
		{"unknown key", table + "      ix_a: {colums: [a]}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.indexes.ix_a: unknown key "colums"; did you mean "columns"? (allowed: drop, columns, expression, unique, method, where)`}},
		{"drop and define", table + "      ix_a: {drop: true, columns: [a], where: \"a > 0\"}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.indexes.ix_a: drop: true cannot be combined with columns or where`}},
		{"columns and expression", table + "      ix_a: {columns: [a], expression: \"lower(a)\"}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.indexes.ix_a: columns and expression cannot be combined: an index is on columns or on an expression`}},
		{"unknown method", table + "      ix_a: {columns: [a], method: fulltext}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.indexes.ix_a.method: unknown value "fulltext" (allowed: btree, hash, gin, gist, brin, spgist)`}},
		{"empty column list", table + "      ix_a: {columns: []}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.indexes.ix_a.columns: lists no column`}},
		{"column listed twice", table + "      ix_a:\n        columns: [a, a]\n", []string{
			`sluice.yaml:9: tables.clinical.Patients.indexes.ix_a.columns: "a" is listed twice (first at line 9)`}},
		{"not a mapping", table + "      ix_a: true\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.indexes.ix_a: expected a mapping, got "true"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrors(t, tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSpatialValues(t *testing.T) {
	got := parseErrors(t, header+"defaults:\n  spatial: geojson\n")
	want := []string{`sluice.yaml:6: defaults.spatial: unknown value "geojson" (allowed: postgis, wkt)`}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTextSearchIsAConfigurationName(t *testing.T) {
	for _, ok := range []string{"simple", "english", "public.my_cfg"} {
		cfg, err := Parse(strings.NewReader(header+"defaults:\n  text_search: "+ok+"\n"), "sluice.yaml")
		if err != nil || cfg.Defaults.TextSearch != ok {
			t.Errorf("%s: %v", ok, err)
		}
	}
	got := parseErrors(t, header+"defaults:\n  text_search: \"english'); drop table x; --\"\n")
	want := []string{`sluice.yaml:6: defaults.text_search: expected the name of a PostgreSQL text search configuration (simple, english, or schema.name), got "english'); drop table x; --"`}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
