package config

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/charset"
)

// header is a minimal valid file of four lines; cases append from line 5.
const header = `version: 1
sources:
  clinical: {url: "mysql://app:hunter2@db1/clinical"}
target: {url: "postgres://sluice:pw@pg/platform"}
`

// parseErrors parses text and returns the messages of its Errors.
func parseErrors(t *testing.T, text string) []string {
	t.Helper()
	cfg, err := Parse(strings.NewReader(text), "sluice.yaml")
	if err == nil {
		t.Fatalf("Parse succeeded with %+v, want errors", cfg)
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("Parse error %T %v, want Errors", err, err)
	}
	if cfg != nil {
		t.Errorf("Parse returned a config with its errors")
	}
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return msgs
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"unknown top-level key", header + "tabels: {}\n", []string{
			`sluice.yaml:5: unknown key "tabels"; did you mean "tables"? (allowed: version, sources, target, targets, defaults, tables, audit)`}},
		{"unknown defaults key", header + "defaults:\n  chunk_row: 5\n", []string{
			`sluice.yaml:6: defaults: unknown key "chunk_row"; did you mean "chunk_rows"? (allowed: naming, keys, key_namespace, legacy_column, chunk_rows, chunk_bytes, workers, strategy, zero_dates, delete_missing, source_column, bad_keys, enums, spatial, text_search)`}},
		{"unknown key without a close match", header + "defaults:\n  colour: red\n", []string{
			`sluice.yaml:6: defaults: unknown key "colour" (allowed: naming, keys, key_namespace, legacy_column, chunk_rows, chunk_bytes, workers, strategy, zero_dates, delete_missing, source_column, bad_keys, enums, spatial, text_search)`}},
		{"unknown column key", header + "tables:\n  clinical.Patients:\n    columns:\n      Notes: {rename: notes}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.columns.Notes: unknown key "rename"; did you mean "name"? (allowed: name, type, drop, default, references, enum, source_type)`}},
		{"unknown source key", "version: 1\nsources:\n  clinical: {uri: \"mysql://a@b/c\"}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:3: sources.clinical: unknown key "uri"; did you mean "url"? (allowed: url, encoding, capture, csv)`,
			`sluice.yaml:3: sources.clinical.url: required key is missing`}},
		{"unknown encoding", "version: 1\nsources:\n  shop:\n    url: sqlite:shop.db\n    encoding: latin-1\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:5: sources.shop.encoding: unknown encoding "latin-1"; did you mean "latin1"? (known: ` + strings.Join(charset.Names(), ", ") + `)`}},
		{"encoding of a mysql source", "version: 1\nsources:\n  legacy: {url: \"mysql://a@b/c\", encoding: gbk}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:3: sources.legacy.encoding: a mysql source records the character set of each column; encoding applies to sqlite, postgres and csv sources only`}},
		{"empty encoding", "version: 1\nsources:\n  shop: {url: \"postgres://a@b/c\", encoding: \"\"}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:3: sources.shop.encoding: must not be empty`}},
		{"bool of the wrong type", header + "tables:\n  clinical.Patients:\n    columns:\n      Notes: {drop: sometimes}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.columns.Notes.drop: expected true or false, got "sometimes"`}},
		{"empty bool", header + "tables:\n  clinical.AuditLog:\n    skip:\n", []string{
			`sluice.yaml:7: tables.clinical.AuditLog.skip: expected true or false, got nothing`}},
		{"unknown enums value", header + "defaults:\n  enums: domain\ntables:\n  clinical.Patients:\n    columns:\n      Status: {enum: checks, drop: true}\n", []string{
			`sluice.yaml:6: defaults.enums: unknown value "domain" (allowed: check, type, text)`,
			`sluice.yaml:10: tables.clinical.Patients.columns.Status.enum: unknown value "checks"; did you mean "check"? (allowed: check, type, text)`,
			`sluice.yaml:10: tables.clinical.Patients.columns.Status: drop: true cannot be combined with enum`}},
		{"integer of the wrong type", header + "defaults:\n  workers: four\n", []string{
			`sluice.yaml:6: defaults.workers: expected an integer, got "four"`}},
		{"quoted integer", header + "defaults:\n  chunk_rows: \"100\"\n", []string{
			`sluice.yaml:6: defaults.chunk_rows: expected an integer, got "100"`}},
		{"float for integer", header + "defaults:\n  chunk_rows: 1.5\n", []string{
			`sluice.yaml:6: defaults.chunk_rows: expected an integer, got "1.5"`}},
		{"mapping for string", header + "tables:\n  clinical.Patients:\n    target: {a: b}\n", []string{
			`sluice.yaml:7: tables.clinical.Patients.target: expected a string, got a mapping`}},
		{"empty string", header + "tables:\n  clinical.Patients:\n    where: \"\"\n", []string{
			`sluice.yaml:7: tables.clinical.Patients.where: must not be empty`}},
		{"URL for mapping", "version: 1\nsources:\n  db: mysql://root:hunter2@h/d\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:3: sources.db: expected a mapping, got "mysql://root:xxxxx@h/d"`}},
		{"list for mapping", "version: 1\nsources: [clinical]\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:2: sources: expected a mapping, got a list`}},
		{"no sources", "version: 1\nsources: {}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:2: sources: at least one source is required`}},
		{"missing version", "sources:\n  clinical: {url: \"mysql://a@b/c\"}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:1: version: required key is missing`}},
		{"missing sources and target", "version: 1\n", []string{
			`sluice.yaml:1: sources: required key is missing`,
			`sluice.yaml:1: target: required key is missing (or targets:, for several databases)`}},
		{"missing target url", "version: 1\nsources:\n  clinical: {url: \"mysql://a@b/c\"}\ntarget:\n  schema: app\n", []string{
			`sluice.yaml:4: target.url: required key is missing`}},
		{"empty file", "", []string{
			`sluice.yaml: version: required key is missing`,
			`sluice.yaml: sources: required key is missing`,
			`sluice.yaml: target: required key is missing (or targets:, for several databases)`}},
		{"file not a mapping", "- version\n", []string{
			`sluice.yaml:1: expected a mapping, got a list`}},
		{"unsupported version", strings.Replace(header, "version: 1", "version: 2", 1), []string{
			`sluice.yaml:1: version: unsupported version 2; the only version is 1`}},
		{"chunk_rows too small", header + "defaults:\n  chunk_rows: 0\n", []string{
			`sluice.yaml:6: defaults.chunk_rows: must be between 1 and 10000000, got 0`}},
		{"chunk_rows too large", header + "tables:\n  clinical.Patients: {chunk_rows: 10000001}\n", []string{
			`sluice.yaml:6: tables.clinical.Patients.chunk_rows: must be between 1 and 10000000, got 10000001`}},
		{"chunk_bytes no unit", header + "defaults:\n  chunk_bytes: 32 potatoes\n", []string{
			`sluice.yaml:6: defaults.chunk_bytes: expected a size in bytes such as 16MiB or 1GB (units B, KB, MB, GB, KiB, MiB, GiB), got "32 potatoes"`}},
		{"chunk_bytes fraction", header + "defaults:\n  chunk_bytes: 1.5\n", []string{
			`sluice.yaml:6: defaults.chunk_bytes: expected a size in bytes such as 16MiB or 1GB (units B, KB, MB, GB, KiB, MiB, GiB), got "1.5"`}},
		{"chunk_bytes too small", header + "tables:\n  clinical.Patients: {chunk_bytes: 1KB}\n", []string{
			`sluice.yaml:6: tables.clinical.Patients.chunk_bytes: must be between 64KiB and 16GiB, got "1KB"`}},
		{"workers out of range", header + "defaults:\n  workers: 65\n", []string{
			`sluice.yaml:6: defaults.workers: must be between 1 and 64, got 65`}},
		{"workers zero", header + "defaults: {workers: 0}\n", []string{
			`sluice.yaml:5: defaults.workers: must be between 1 and 64, got 0`}},
		{"enum naming", header + "defaults:\n  naming: snake\n", []string{
			`sluice.yaml:6: defaults.naming: unknown value "snake"; did you mean "snake_case"? (allowed: camelCase, snake_case, keep)`}},
		{"enum keys", header + "defaults:\n  keys: int\n", []string{
			`sluice.yaml:6: defaults.keys: unknown value "int" (allowed: uuid, keep)`}},
		{"enum strategy", header + "defaults:\n  strategy: upsert\n", []string{
			`sluice.yaml:6: defaults.strategy: unknown value "upsert" (allowed: create, truncate, merge, append)`}},
		{"enum zero_dates", header + "defaults:\n  zero_dates: nul\n", []string{
			`sluice.yaml:6: defaults.zero_dates: unknown value "nul"; did you mean "null"? (allowed: reject, null)`}},
		{"enum zero_dates empty", header + "defaults:\n  zero_dates:\n", []string{
			`sluice.yaml:6: defaults.zero_dates: expected one of reject, null, got nothing`}},
		{"enum bad_keys", header + "defaults:\n  bad_keys: drop\n", []string{
			`sluice.yaml:6: defaults.bad_keys: unknown value "drop" (allowed: reject, load)`}},
		{"enum table keys", header + "tables:\n  clinical.Patients: {keys: UUID}\n", []string{
			`sluice.yaml:6: tables.clinical.Patients.keys: unknown value "UUID"; did you mean "uuid"? (allowed: uuid, keep)`}},
		{"malformed key_namespace", header + "defaults:\n  key_namespace: a18306cf-4b0a-5674-93e2\n", []string{
			`sluice.yaml:6: defaults.key_namespace: expected a UUID, got "a18306cf-4b0a-5674-93e2"`}},
		{"nil key_namespace", header + "defaults:\n  key_namespace: 00000000-0000-0000-0000-000000000000\n", []string{
			`sluice.yaml:6: defaults.key_namespace: must not be the nil UUID`}},
		{"table key without a dot", header + "tables:\n  Patients: {skip: true}\n", []string{
			`sluice.yaml:6: tables.Patients: a merged target table needs from:, the "<source>.<table>" it merges; did you mean "clinical.Patients"?`}},
		{"table key with an empty table", header + "tables:\n  clinical.: {skip: true}\n", []string{
			`sluice.yaml:6: tables: table key "clinical." is not "<source>.<table>"`}},
		{"table key of an undeclared source", header + "tables:\n  clinicl.Patients: {skip: true}\n", []string{
			`sluice.yaml:6: tables: source "clinicl" is not declared; did you mean "clinical"? (declared: clinical)`}},
		{"drop with name, type and default", header + "tables:\n  clinical.Patients:\n    columns:\n      Notes: {drop: true, name: notes, type: text, default: x}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.columns.Notes: drop: true cannot be combined with name, type or default`}},
		{"drop with name", header + "tables:\n  clinical.Patients:\n    columns:\n      Notes:\n        name: notes\n        drop: true\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.columns.Notes: drop: true cannot be combined with name`}},
		{"references without a table", header + "tables:\n  clinical.Patients:\n    columns:\n      DrugID: {references: Drugs}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.columns.DrugID.references: expected "source.Table" or "source.Table.Column", got "Drugs"`}},
		{"references with an empty column", header + "tables:\n  clinical.Patients:\n    columns:\n      DrugID: {references: clinical.Drugs.}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.columns.DrugID.references: expected "source.Table" or "source.Table.Column", got "clinical.Drugs."`}},
		{"references an undeclared source", header + "tables:\n  clinical.Patients:\n    columns:\n      DrugID: {references: pharmacy.Drugs.DrugID}\n", []string{
			`sluice.yaml:8: tables.clinical.Patients.columns.DrugID.references: source "pharmacy" is not declared (declared: clinical)`}},
		{"source name not an identifier", "version: 1\nsources:\n  clinical-db: {url: \"mysql://a@b/c\"}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:3: sources: source name "clinical-db" is not an identifier ([A-Za-z_][A-Za-z0-9_]*)`}},
		{"duplicate top-level key", header + "version: 1\n", []string{
			`sluice.yaml:5: duplicate key "version" (first at line 1)`}},
		{"duplicate source", header[:len(header)-len("target: {url: \"postgres://sluice:pw@pg/platform\"}\n")] +
			"  clinical: {url: \"mysql://a@b/c\"}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:4: sources: duplicate key "clinical" (first at line 3)`}},
		{"duplicate table", header + "tables:\n  clinical.A: {skip: true}\n  clinical.A: {skip: false}\n", []string{
			`sluice.yaml:7: tables: duplicate key "clinical.A" (first at line 6)`}},
		{"duplicate column key", header + "tables:\n  clinical.A:\n    columns:\n      X: {name: x, name: y}\n", []string{
			`sluice.yaml:8: tables.clinical.A.columns.X: duplicate key "name" (first at line 8)`}},
		{"source URL scheme", "version: 1\nsources:\n  web: {url: \"https://user:hunter2@example.com/db\"}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:3: sources.web.url: unsupported URL "https://user:xxxxx@example.com/db": the scheme must be mysql, postgres, postgresql, sqlite, sqlserver or csv`}},
		{"source URL without scheme", "version: 1\nsources:\n  db: {url: \"db1.internal/clinical\"}\ntarget: {url: \"postgres://x/y\"}\n", []string{
			`sluice.yaml:3: sources.db.url: unsupported URL "db1.internal/clinical": the scheme must be mysql, postgres, postgresql, sqlite, sqlserver or csv`}},
		{"target URL scheme", "version: 1\nsources:\n  db: {url: \"sqlite:db.sqlite\"}\ntarget:\n  url: mysql://root:hunter2@h/d\n", []string{
			`sluice.yaml:5: target.url: unsupported URL "mysql://root:xxxxx@h/d": the scheme must be postgres or postgresql`}},
		{"malformed URLs, every one", "version: 1\nsources:\n  a: {url: \"mysql://root:hunter2@127.0.0.1:99999/test\"}\n  b: {url: \"mysql://ro%zzot@host/db\"}\n" +
			"target:\n  url: postgres://u:hunter%2@h:5432/d\n", []string{
			`sluice.yaml:3: sources.a.url: bad URL "mysql://root:xxxxx@127.0.0.1:99999/test": port "99999" is out of range: must be 1-65535`,
			`sluice.yaml:4: sources.b.url: bad URL "mysql://ro%zzot@host/db": invalid percent escape "%zz" in the user name (a % must be followed by two hex digits; write %25 for a % itself)`,
			`sluice.yaml:6: target.url: bad URL "postgres://u:xxxxx@h:5432/d": invalid percent escape in the password (a % must be followed by two hex digits; write %25 for a % itself)`}},
		{"type with a comma unquoted in a flow mapping", header + "tables:\n  clinical.A:\n    columns:\n      X: {type: numeric(10,2)}\n" +
			"      Y: {type: enum(a, b,c), name: y}\n      Z: {name: z, type: text, 2): x}\n", []string{
			`sluice.yaml:8: tables.clinical.A.columns.X.type: "numeric(10,2)" is cut at a comma: in a { } mapping a comma ends the value; quote the type: type: "numeric(10,2)"`,
			`sluice.yaml:9: tables.clinical.A.columns.Y.type: "enum(a,b,c)" is cut at a comma: in a { } mapping a comma ends the value; quote the type: type: "enum(a,b,c)"`,
			`sluice.yaml:10: tables.clinical.A.columns.Z: unknown key "2)" (allowed: name, type, drop, default, references, enum, source_type)`}},
		{"YAML syntax error", header + "tables:\n  clinical.A:\n    skip: true\n   target: a\n", []string{
			`sluice.yaml:8: invalid YAML: did not find expected key`}},
		{"YAML syntax error on line 1", "version: 1: 2\n", []string{
			`sluice.yaml:1: invalid YAML: mapping values are not allowed in this context`}},
		{"YAML tab", header + "defaults:\n\tworkers: 2\n", []string{
			`sluice.yaml:6: invalid YAML: found character that cannot start any token`}},
		{"YAML unknown alias", header + "defaults:\n  workers: *n\n", []string{
			`sluice.yaml:6: invalid YAML: unknown anchor 'n' referenced`}},
		{"two documents", header + "---\nversion: 1\n", []string{
			`sluice.yaml:5: invalid YAML: a config file holds one YAML document, found another`}},
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

// TestFiveProblems: every problem is reported, sorted by line, although the
// file lists tables before the sections they depend on.
func TestFiveProblems(t *testing.T) {
	const text = `tables:
  clinical.Patients:
    chunk_rows: -1
    columns:
      Notes: {drop: maybe}
version: 1
defaults:
  workers: 100
  naming: Snake_Case
sources:
  clinical: {url: "mysql://app:hunter2@db1/clinical"}
target:
  url: postgres://x/y
  schemaa: app
`
	want := []string{
		`sluice.yaml:3: tables.clinical.Patients.chunk_rows: must be between 1 and 10000000, got -1`,
		`sluice.yaml:5: tables.clinical.Patients.columns.Notes.drop: expected true or false, got "maybe"`,
		`sluice.yaml:8: defaults.workers: must be between 1 and 64, got 100`,
		`sluice.yaml:9: defaults.naming: unknown value "Snake_Case"; did you mean "snake_case"? (allowed: camelCase, snake_case, keep)`,
		`sluice.yaml:14: target: unknown key "schemaa"; did you mean "schema"? (allowed: url, schema)`,
	}
	got := parseErrors(t, text)
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestErrorsAreOneString: the CLI prints Errors one per line.
func TestErrorsAreOneString(t *testing.T) {
	_, err := Parse(strings.NewReader(header+"defaults: {workers: 0, chunk_rows: 0}\n"), "x.yaml")
	want := "x.yaml:5: defaults.chunk_rows: must be between 1 and 10000000, got 0\n" +
		"x.yaml:5: defaults.workers: must be between 1 and 64, got 0"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want\n%s", err, want)
	}
}
