package config

import (
	"reflect"
	"strings"
	"testing"
)

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// TestParseMerge reads a file with several targets, merged target tables,
// computed values and expansions, and compares what they decode to.
func TestParseMerge(t *testing.T) {
	cfg, err := Load("testdata/merge.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	clinical := Target{Name: "clinical", URL: "postgres://sluice@pg.internal/clinical", Schema: "care", Line: 14}
	billing := Target{Name: "billing", URL: "postgres://sluice@pg.internal/billing", Schema: "public", Line: 17}
	if cfg.Target != clinical || !reflect.DeepEqual(cfg.Targets, []Target{clinical, billing}) {
		t.Errorf("target %+v, targets %+v; want the first of clinical, billing", cfg.Target, cfg.Targets)
	}
	wantDefaults := Defaults{Strategy: StrategyMerge, DeleteMissing: true, SourceColumn: "origin"}
	if d := cfg.Defaults; d.Strategy != wantDefaults.Strategy || d.DeleteMissing != true || d.SourceColumn != "origin" {
		t.Errorf("defaults %+v, want %+v", d, wantDefaults)
	}
	check(t, "tables", cfg.Tables, wantMergeTables())
	check(t, "merges", cfg.Merges, wantMerges())
}

func wantMergeTables() []TableRule {
	return []TableRule{
		{
			Source: "east", Table: "Patients", Line: 26, Target: "patients", DeleteMissing: no(),
			Columns: []ColumnRule{{Name: "MRN", Line: 30, Target: "mrn"}},
			Fill: []FillRule{
				{Column: "phone", Value: ptr("n/a"), Line: 31},
				{Column: "fax", Line: 31},
				{Column: "notes", Value: ptr(""), Line: 31},
			},
			Computed: []ComputedRule{
				{Column: "full_name", Expr: `FirstName + " " + LastName`, Type: "text", Line: 33},
				{Column: "sex", Expr: `{"M": "male", "F": "female"}[Sex] ?? "unknown"`, Line: 34},
			},
			Expand: []ExpandRule{
				{Table: "rooms", Kind: ExpandCount, Column: "NumRooms", Ordinal: "room_no", Parent: "clinic_id", Line: 36},
				{Table: "tags", Kind: ExpandList, Column: "Tags", Separator: ";", Ordinal: "ordinal", Value: "tag", Line: 37},
				{Table: "codes", Kind: ExpandJSON, Column: "Codes", Ordinal: "ordinal", Value: "value", Line: 38},
			},
		},
		{Source: "west", Table: "Patient", Line: 39, Fill: []FillRule{{Column: "fax", Line: 41}, {Column: "age", Value: ptr("0"), Line: 42}}},
		{Source: "north", Table: "Invoices", Line: 61, Database: "billing", Strategy: StrategyAppend, DeleteMissing: yes()},
		{
			Source: "north", Table: "Audit", Line: 65, Strategy: StrategyTruncate,
			Computed: []ComputedRule{
				{Column: "total", Expr: "Price * Quantity", Type: "numeric(12,2)", Line: 68},
				{Column: "year", Expr: "date(CreatedAt).Year()", Type: "integer", Line: 69},
				{Column: "age_group", Expr: `Age >= 18 ? "adult" : "minor"`, Line: 70},
			},
			Expand: []ExpandRule{
				{Table: "chairs", Kind: ExpandCount, Column: "NumChairs", Ordinal: "ordinal", Line: 72},
				{Table: "labels", Kind: ExpandList, Column: "Labels", Separator: ",", Ordinal: "ordinal", Value: "value", Line: 73},
			},
		},
	}
}

func wantMerges() []MergeRule {
	return []MergeRule{
		{
			Table: "patients", From: []string{"east.Patients", "west.Patient"}, MatchOn: []string{"mrn"},
			Conflict: ConflictPrefer, Prefer: []string{"west", "east"}, SourceColumn: "src",
			Database: "clinical", Strategy: StrategyAppend, DeleteMissing: yes(), Line: 43,
		},
		{
			Table: "visits", From: []string{"east.Visits", "north.Visits"}, MatchOn: []string{"visit_no", "mrn"},
			Conflict: ConflictLatest, Latest: "updated_at", Line: 51,
		},
		{
			Table: "invoices", From: []string{"west.Invoices", "east.Invoices"}, MatchOn: []string{"number"},
			Conflict: ConflictManual, Line: 57,
		},
	}
}

// check compares slices element by element, so a difference names its rule.
func check[T any](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d, want %d:\n got %+v\nwant %+v", what, len(got), len(want), got, want)
		return
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s[%d]:\n got %+v\nwant %+v", what, i, got[i], want[i])
		}
	}
}

// TestMergeLookups: Merge finds the rule that lists a source table, Database
// the target a name declares, "" being the first.
func TestMergeLookups(t *testing.T) {
	cfg, err := Load("testdata/merge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m := cfg.Merge("north", "Visits"); m == nil || m.Table != "visits" {
		t.Errorf("Merge(north, Visits) = %+v, want visits", m)
	}
	if m := cfg.Merge("north", "Invoices"); m != nil {
		t.Errorf("Merge(north, Invoices) = %+v, want nil", m)
	}
	for name, want := range map[string]string{"": "clinical", "clinical": "clinical", "billing": "billing"} {
		if db := cfg.Database(name); db == nil || db.Name != want {
			t.Errorf("Database(%q) = %+v, want %s", name, db, want)
		}
	}
	if db := cfg.Database("target"); db != nil {
		t.Errorf("Database(target) = %+v, want nil: the file names its targets", db)
	}
}

// TestParseMergeAccepts: valid variations decode without a problem.
func TestParseMergeAccepts(t *testing.T) {
	tests := []struct{ name, text string }{
		{"manual false is no conflict rule", mergeHeader + "  p:\n    from: [east.A, west.B]\n    manual: false\n"},
		{"prefer without match_on", mergeHeader + "  p:\n    from: [east.A, west.B]\n    prefer: [west]\n"},
		{"part with its own target name equal", mergeHeader + "  east.A: {target: p, delete_missing: true}\n  p:\n    from: [east.A, west.B]\n"},
		{"delete_missing with a merge default", strings.Replace(mergeHeader, "tables:\n", "defaults: {strategy: append}\ntables:\n", 1) +
			"  east.A: {delete_missing: true}\n"},
		{"database of the one target", header + "tables:\n  clinical.A: {database: target}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(strings.NewReader(tt.text), "sluice.yaml"); err != nil {
				t.Errorf("Parse: %v", err)
			}
		})
	}
}
