package config

import (
	"slices"
	"strings"
	"testing"
)

// mergeHeader is a valid file of two sources and two targets that ends in
// "tables:"; cases append rules from line 9.
const mergeHeader = `version: 1
sources:
  east: {url: "mysql://a@h/east"}
  west: {url: "mysql://a@h/west"}
targets:
  clinical: {url: "postgres://x/clinical"}
  billing: {url: "postgres://x/billing"}
tables:
`

// pair is two sources feeding the merged target table "p" from line 9.
const pair = mergeHeader + "  p:\n    from: [east.A, west.B]\n"

func TestParseMergeErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		// Targets.
		{"target and targets", strings.Replace(mergeHeader, "targets:", "target: {url: \"postgres://x/y\"}\ntargets:", 1), []string{
			`sluice.yaml:6: targets: cannot be combined with "target:" (line 5): write target: for one database or targets: for several`}},
		{"no target database", strings.Replace(mergeHeader, "  clinical: {url: \"postgres://x/clinical\"}\n  billing: {url: \"postgres://x/billing\"}\n", "", 1), []string{
			`sluice.yaml:5: targets: at least one target database is required`}},
		{"empty targets", strings.Replace(mergeHeader, "targets:\n  clinical: {url: \"postgres://x/clinical\"}\n  billing: {url: \"postgres://x/billing\"}\n", "targets: {}\n", 1), []string{
			`sluice.yaml:5: targets: at least one target database is required`}},
		{"target name", strings.Replace(mergeHeader, "billing:", "bill-ing:", 1), []string{
			`sluice.yaml:7: targets: target name "bill-ing" is not an identifier ([A-Za-z_][A-Za-z0-9_]*)`}},
		{"target without url", strings.Replace(mergeHeader, "billing: {url: \"postgres://x/billing\"}", "billing: {schema: b}", 1), []string{
			`sluice.yaml:7: targets.billing.url: required key is missing`}},
		{"targets misspelt", strings.Replace(mergeHeader, "targets:", "targts:", 1), []string{
			`sluice.yaml:1: target: required key is missing (or targets:, for several databases)`,
			`sluice.yaml:5: unknown key "targts"; did you mean "targets"? (allowed: version, sources, target, targets, defaults, tables, audit)`}},
		{"database not declared", mergeHeader + "  east.A: {database: clinicl}\n", []string{
			`sluice.yaml:9: tables.east.A.database: target database "clinicl" is not declared; did you mean "clinical"? (declared: billing, clinical)`}},
		{"database of a file with target:", header + "tables:\n  clinical.A: {database: main}\n", []string{
			`sluice.yaml:6: tables.clinical.A.database: target database "main" is not declared (declared: target)`}},

		// Defaults and table rules.
		{"defaults delete_missing", header + "defaults: {delete_missing: yes please}\n", []string{
			`sluice.yaml:5: defaults.delete_missing: expected true or false, got "yes please"`}},
		{"defaults source_column", header + "defaults: {source_column: \"\"}\n", []string{
			`sluice.yaml:5: defaults.source_column: must not be empty`}},
		{"table strategy", mergeHeader + "  east.A: {strategy: upsert}\n", []string{
			`sluice.yaml:9: tables.east.A.strategy: unknown value "upsert" (allowed: create, truncate, merge, append)`}},
		{"delete_missing of a created table", mergeHeader + "  east.A: {delete_missing: true}\n", []string{
			`sluice.yaml:9: tables.east.A.delete_missing: applies to tables loaded with merge or append; this table is loaded with create`}},
		{"delete_missing of a truncated table", mergeHeader + "  east.A:\n    strategy: truncate\n    delete_missing: true\n", []string{
			`sluice.yaml:11: tables.east.A.delete_missing: applies to tables loaded with merge or append; this table is loaded with truncate`}},
		{"delete_missing with a bad default strategy", strings.Replace(mergeHeader, "tables:\n", "defaults: {strategy: merg}\ntables:\n", 1) +
			"  east.A: {delete_missing: true}\n", []string{
			`sluice.yaml:8: defaults.strategy: unknown value "merg"; did you mean "merge"? (allowed: create, truncate, merge, append)`}},
		{"fill of a table merged nowhere", mergeHeader + "  east.A:\n    fill: {phone: x}\n", []string{
			`sluice.yaml:10: tables.east.A.fill: fill applies to tables merged into one target; "east.A" is in no from: list`}},
		{"fill value", pair + "  east.A:\n    fill: {phone: [a]}\n", []string{
			`sluice.yaml:12: tables.east.A.fill.phone: expected a value or null, got a list`}},
		{"computed without expr", mergeHeader + "  east.A:\n    computed:\n      full: {type: text}\n", []string{
			`sluice.yaml:11: tables.east.A.computed.full.expr: required key is missing`}},
		{"computed empty expr", mergeHeader + "  east.A:\n    computed:\n      full: {expr: \"\"}\n", []string{
			`sluice.yaml:11: tables.east.A.computed.full.expr: must not be empty`}},
		{"computed as a string", mergeHeader + "  east.A:\n    computed:\n      full: A + B\n", []string{
			`sluice.yaml:11: tables.east.A.computed.full: expected a mapping, got "A + B"`}},
		{"computed key", mergeHeader + "  east.A:\n    computed:\n      full: {expr: A, typ: text}\n", []string{
			`sluice.yaml:11: tables.east.A.computed.full: unknown key "typ"; did you mean "type"? (allowed: expr, type)`}},
		{"expand nothing", mergeHeader + "  east.A:\n    expand:\n      rooms: {ordinal: n}\n", []string{
			`sluice.yaml:11: tables.east.A.expand.rooms: needs one of count, list or json: the source column to expand`}},
		{"expand two kinds", mergeHeader + "  east.A:\n    expand:\n      rooms: {count: N, list: L}\n", []string{
			`sluice.yaml:11: tables.east.A.expand.rooms: count and list cannot be combined: give one of count, list or json`}},
		{"expand separator of count", mergeHeader + "  east.A:\n    expand:\n      rooms:\n        count: N\n        separator: \";\"\n", []string{
			`sluice.yaml:13: tables.east.A.expand.rooms.separator: applies only to list:, not to count:`}},
		{"expand value of count", mergeHeader + "  east.A:\n    expand:\n      rooms: {count: N, value: v}\n", []string{
			`sluice.yaml:11: tables.east.A.expand.rooms.value: applies only to list: and json:; the rows of count: hold only their ordinal`}},
		{"expand one column twice", mergeHeader + "  east.A:\n    expand:\n      tags: {list: T, ordinal: value}\n", []string{
			`sluice.yaml:11: tables.east.A.expand.tags: ordinal and value both name the column "value"`}},
		{"expand empty column", mergeHeader + "  east.A:\n    expand:\n      tags: {json: \"\"}\n", []string{
			`sluice.yaml:11: tables.east.A.expand.tags.json: must not be empty`}},
		{"fill of an empty column name", pair + "  east.A:\n    fill: {\"\": x}\n", []string{
			`sluice.yaml:12: tables.east.A.fill: expected a column name, got an empty key`}},
		{"expand key", mergeHeader + "  east.A:\n    expand:\n      tags: {list: T, separater: \";\"}\n", []string{
			`sluice.yaml:11: tables.east.A.expand.tags: unknown key "separater"; did you mean "separator"? (allowed: count, list, json, separator, ordinal, value, parent)`}},

		// Keys without a dot.
		{"merge without from", mergeHeader + "  p: {match_on: [mrn]}\n", []string{
			`sluice.yaml:9: tables.p: a merged target table needs from:, the "<source>.<table>" it merges`}},
		{"source left out of a key", mergeHeader + "  Patients:\n    columns: {A: {name: a}}\n", []string{
			`sluice.yaml:9: tables.Patients: a merged target table needs from:, the "<source>.<table>" it merges; a source table's rule is keyed "<source>.Patients" (sources: east, west)`}},
		{"source left out of an empty key", mergeHeader + "  Patients:\n", []string{
			`sluice.yaml:9: tables.Patients: a merged target table needs from:, the "<source>.<table>" it merges; a source table's rule is keyed "<source>.Patients" (sources: east, west)`}},
		{"from: left out", mergeHeader + "  p: [east.A, west.B]\n", []string{
			`sluice.yaml:9: tables.p: a merged target table needs from:; write the list of source tables under it`}},
		{"empty merged table name", mergeHeader + "  \"\": {from: [east.A, west.B]}\n", []string{
			`sluice.yaml:9: tables: expected a table name, got an empty key`}},
		{"from not a list", mergeHeader + "  p: {from: east.A}\n", []string{
			`sluice.yaml:9: tables.p.from: expected a list, got "east.A"`}},
		{"from of one table", mergeHeader + "  p: {from: [east.A]}\n", []string{
			`sluice.yaml:9: tables.p.from: needs at least two source tables, got 1; a single table is mapped by its own "<source>.<table>" rule`}},
		{"from twice the same table", mergeHeader + "  p:\n    from:\n      - east.A\n      - east.A\n", []string{
			`sluice.yaml:12: tables.p.from: "east.A" is listed twice (first at line 11)`}},
		{"from one source twice", mergeHeader + "  p: {from: [east.A, east.B]}\n", []string{
			`sluice.yaml:9: tables.p.from: "east.A" and "east.B" both come from source "east": two tables of one source cannot feed one target table yet`}},
		{"from an undeclared source", mergeHeader + "  p: {from: [east.A, wst.B]}\n", []string{
			`sluice.yaml:9: tables.p.from: source "wst" is not declared; did you mean "west"? (declared: east, west)`}},
		{"from a table without its source", mergeHeader + "  p: {from: [east.A, B]}\n", []string{
			`sluice.yaml:9: tables.p.from: "B" is not "<source>.<table>"`}},
		{"from an empty name", mergeHeader + "  p: {from: [east.A, \"\"]}\n", []string{
			`sluice.yaml:9: tables.p.from: must not be empty`}},
		{"table-only key of a merge", pair + "    columns: {}\n", []string{
			`sluice.yaml:11: tables.p: unknown key "columns" (allowed: from, match_on, prefer, latest, manual, source_column, database, strategy, delete_missing, rollback, new_rows)`}},
		{"match_on empty", pair + "    match_on: []\n", []string{
			`sluice.yaml:11: tables.p.match_on: must name at least one target column`}},
		{"match_on twice", pair + "    match_on: [mrn, mrn]\n", []string{
			`sluice.yaml:11: tables.p.match_on: "mrn" is listed twice (first at line 11)`}},
		{"prefer an undeclared source", pair + "    prefer: [eas]\n", []string{
			`sluice.yaml:11: tables.p.prefer: source "eas" is not declared; did you mean "east"? (declared: east, west)`}},
		{"prefer a source of no from", strings.Replace(pair, "  west: {url: \"mysql://a@h/west\"}\n", "  west: {url: \"mysql://a@h/west\"}\n  north: {url: \"mysql://a@h/north\"}\n", 1) +
			"    prefer: [north, east]\n", []string{
			`sluice.yaml:12: tables.p.prefer: source "north" feeds no table of from:`}},
		{"prefer twice", pair + "    prefer: [west, west]\n", []string{
			`sluice.yaml:11: tables.p.prefer: "west" is listed twice (first at line 11)`}},
		{"prefer empty", pair + "    prefer: []\n", []string{
			`sluice.yaml:11: tables.p.prefer: must name at least one source`}},
		{"prefer and latest", pair + "    match_on: [mrn]\n    prefer: [west]\n    latest: updated_at\n", []string{
			`sluice.yaml:13: tables.p: prefer and latest cannot be combined: give one way to settle rows the sources disagree on`}},
		{"latest and manual without match_on", pair + "    latest: updated_at\n    manual: true\n", []string{
			`sluice.yaml:11: tables.p.latest: needs match_on: only rows matched on a natural key can disagree`,
			`sluice.yaml:12: tables.p: latest and manual cannot be combined: give one way to settle rows the sources disagree on`,
			`sluice.yaml:12: tables.p.manual: needs match_on: only rows matched on a natural key can disagree`}},
		{"manual not a bool", pair + "    match_on: [mrn]\n    manual: always\n", []string{
			`sluice.yaml:12: tables.p.manual: expected true or false, got "always"`}},
		{"merge strategy truncate", pair + "    strategy: truncate\n", []string{
			`sluice.yaml:11: tables.p.strategy: "truncate" does not apply to a merged target table: it holds the rows of several sources and is loaded with merge or append`}},
		{"merge strategy unknown", pair + "    strategy: apend\n", []string{
			`sluice.yaml:11: tables.p.strategy: unknown value "apend"; did you mean "append"? (allowed: merge, append)`}},
		{"merge database", pair + "    database: biling\n", []string{
			`sluice.yaml:11: tables.p.database: target database "biling" is not declared; did you mean "billing"? (declared: billing, clinical)`}},

		// What ties table rules and merge rules.
		{"table in two from lists", pair + "  q:\n    from: [west.C, east.A]\n", []string{
			`sluice.yaml:12: tables.q.from: "east.A" already feeds "p" (from: at line 10); a source table feeds one target table`}},
		{"part renamed elsewhere", pair + "  east.A: {target: people}\n", []string{
			`sluice.yaml:11: tables.east.A.target: "people" is not "p", the merged target table this table feeds (from: at line 10); remove target: or make them equal`}},
		{"part with strategy and database", mergeHeader + "  west.B:\n    strategy: merge\n    database: billing\n  p:\n    from: [east.A, west.B]\n", []string{
			`sluice.yaml:10: tables.west.B.strategy: a table merged into "p" takes its strategy from that table's rule (line 12); set it there`,
			`sluice.yaml:11: tables.west.B.database: a table merged into "p" takes its database from that table's rule (line 12); set it there`}},
		{"part skipped", pair + "  west.B: {skip: true}\n", []string{
			`sluice.yaml:11: tables.west.B.skip: cannot skip a table that feeds "p" (from: at line 10); remove it from that list instead`}},
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
