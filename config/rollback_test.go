package config

import (
	"slices"
	"strings"
	"testing"
)

func TestParseRollback(t *testing.T) {
	cfg := parse(t, pair+"    new_rows: west\n    rollback: false\n  east.A: {rollback: false}\n  west.B: {rollback: true}\n")
	if r := cfg.Rule("east", "A"); r == nil || r.Rollback == nil || *r.Rollback {
		t.Fatalf("east.A rollback: %+v, want false", r)
	}
	if r := cfg.Rule("west", "B"); r == nil || r.Rollback == nil || !*r.Rollback {
		t.Fatalf("west.B rollback: %+v, want true", r)
	}
	if m := cfg.Merges[0]; m.Rollback == nil || *m.Rollback || m.NewRows != "west" {
		t.Fatalf("merge p: rollback %v, new_rows %q; want false and west", m.Rollback, m.NewRows)
	}
	if r := parse(t, pair).Rule("east", "A"); r != nil && r.Rollback != nil {
		t.Fatalf("rollback given nowhere: %v, want nil", *r.Rollback)
	}
}

func TestParseRollbackErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"table", mergeHeader + "  east.A: {rollback: maybe}\n", []string{
			`sluice.yaml:9: tables.east.A.rollback: expected true or false, got "maybe"`}},
		{"merged table", pair + "    rollback: [east]\n", []string{
			`sluice.yaml:11: tables.p.rollback: expected true or false, got a list`}},
		{"new_rows not feeding", pair + "    new_rows: north\n", []string{
			`sluice.yaml:11: tables.p.new_rows: source "north" is not declared (declared: east, west)`}},
		{"new_rows of another table", strings.Replace(pair, "sources:\n", "sources:\n  north: {url: \"mysql://a@h/north\"}\n", 1) + "    new_rows: north\n", []string{
			`sluice.yaml:12: tables.p.new_rows: source "north" feeds no table of from:`}},
		{"misspelt", mergeHeader + "  east.A: {rolback: false}\n", []string{
			`sluice.yaml:9: tables.east.A: unknown key "rolback"; did you mean "rollback"? (allowed: ` + strings.Join(tableKeys, ", ") + `)`}},
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
