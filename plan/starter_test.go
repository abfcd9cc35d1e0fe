package plan

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"go.yaml.in/yaml/v3"
)

// The starter file must decode with the keys docs/CONFIG.md allows, name
// every table and every column, and agree with the plan on target names.
func TestStarterDecodes(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := fixtureConfig(v.defaults())
			var buf bytes.Buffer
			if err := WriteStarter(&buf, cfg, fixtureSchemas()); err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := yaml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("decode starter: %v\n%s", err, buf.String())
			}
			checkKeys(t, "top level", doc, "version", "sources", "target", "defaults", "tables")
			if doc["version"] != 1 {
				t.Errorf("version = %v", doc["version"])
			}
			checkKeys(t, "target", mapAt(t, doc, "target"), "url", "schema")
			checkKeys(t, "defaults", mapAt(t, doc, "defaults"),
				"naming", "keys", "key_namespace", "legacy_column", "chunk_rows", "chunk_bytes", "workers", "strategy", "zero_dates", "enums", "spatial", "text_search")
			defaults := mapAt(t, doc, "defaults")
			chunkBytes := cfg.Defaults.ChunkBytes
			if chunkBytes == 0 {
				chunkBytes = config.DefaultChunkBytes
			}
			if defaults["keys"] != cfg.Defaults.Keys || defaults["zero_dates"] != cfg.Defaults.ZeroDates || defaults["chunk_rows"] != cfg.Defaults.ChunkRows ||
				defaults["chunk_bytes"] != config.FormatBytes(chunkBytes) {
				t.Errorf("defaults = %v, want those of the config", defaults)
			}
			sources := mapAt(t, doc, "sources")
			checkKeys(t, "sources", sources, "clinic", "pharmacy")
			p := buildVariant(t, v.defaults())
			checkTables(t, mapAt(t, doc, "tables"), p)
		})
	}
}

func checkTables(t *testing.T, tables map[string]any, p *Plan) {
	t.Helper()
	for _, s := range fixtureSchemas() {
		for _, src := range s.Tables {
			id := s.Source + "." + src.Name
			entry, ok := tables[id].(map[string]any)
			if !ok {
				t.Errorf("no entry for %s", id)
				continue
			}
			checkKeysSubset(t, id, entry, "target", "skip", "keys", "legacy_column", "chunk_rows", "where", "columns")
			planned := p.Table(id)
			if planned == nil {
				if entry["skip"] != true {
					t.Errorf("%s is not planned but not skipped in the starter", id)
				}
				continue
			}
			if entry["target"] != planned.Name {
				t.Errorf("%s: target %v, plan says %s", id, entry["target"], planned.Name)
			}
			checkColumns(t, id, entry["columns"].(map[string]any), src.Columns, planned)
		}
	}
}

func checkColumns(t *testing.T, id string, cols map[string]any, srcCols []sluice.Column, planned *Table) {
	t.Helper()
	if len(cols) != len(srcCols) {
		t.Errorf("%s: %d columns in the starter, %d in the source", id, len(cols), len(srcCols))
	}
	for _, c := range srcCols {
		rule, ok := cols[c.Name].(map[string]any)
		if !ok {
			t.Errorf("%s: no entry for column %s", id, c.Name)
			continue
		}
		checkKeysSubset(t, id+"."+c.Name, rule, "name", "type", "drop", "default", "references")
		if tc := planned.columnFor(c.Name); tc != nil && rule["name"] != tc.Name {
			t.Errorf("%s.%s: name %v, plan says %s", id, c.Name, rule["name"], tc.Name)
		}
	}
}

func mapAt(t *testing.T, doc map[string]any, key string) map[string]any {
	t.Helper()
	m, ok := doc[key].(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want a mapping", key, doc[key])
	}
	return m
}

func checkKeys(t *testing.T, where string, m map[string]any, want ...string) {
	t.Helper()
	var got []string
	for k := range m {
		got = append(got, k)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s keys = %v, want %v", where, got, want)
	}
}

func checkKeysSubset(t *testing.T, where string, m map[string]any, allowed ...string) {
	t.Helper()
	for k := range m {
		if !slices.Contains(allowed, k) {
			t.Errorf("%s: key %q is not allowed", where, k)
		}
	}
}

// A literal password never reaches the file; an environment reference does.
func TestStarterHidesPasswords(t *testing.T) {
	cfg := fixtureConfig(uuidDefaults())
	cfg.Target.URL = "postgres://sluice:t@rget/pw@pg:5432/platform"
	var buf bytes.Buffer
	if err := WriteStarter(&buf, cfg, fixtureSchemas()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, secret := range []string{"s3cr3t", "t@rget/pw"} {
		if strings.Contains(out, secret) {
			t.Errorf("the starter prints the password %q", secret)
		}
	}
	for _, want := range []string{`"mysql://app:${CLINIC_PASSWORD}@db1.internal:3306/clinic"`, `"postgres://sluice:${TARGET_PASSWORD}@pg:5432/platform"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the starter lacks %s", want)
		}
	}
}

func TestStarterURL(t *testing.T) {
	cases := []struct{ name, in, want, env string }{
		{"clinic", "mysql://app:pw@db:3306/clinic", "mysql://app:${CLINIC_PASSWORD}@db:3306/clinic", "CLINIC_PASSWORD"},
		{"billing-eu", "postgres://u:p%40ss@h/db?schema=x", "postgres://u:${BILLING_EU_PASSWORD}@h/db?schema=x", "BILLING_EU_PASSWORD"},
		{"x", "postgres://u:${X_PW}@h/db", "postgres://u:${X_PW}@h/db", ""},
		{"x", "postgres://u@h/db", "postgres://u@h/db", ""},
		{"x", "postgres://h/db", "postgres://h/db", ""},
		{"x", "mysql://u:a/b@c@h", "mysql://u:${X_PASSWORD}@h", "X_PASSWORD"},
		{"x", "sqlite:///data/x.db", "sqlite:///data/x.db", ""},
		{"x", "sqlite:rel/x.db", "sqlite:rel/x.db", ""},
		{"clinic", "sqlserver://sa:pw@db:1433?database=C", "sqlserver://sa:${CLINIC_PASSWORD}@db:1433?database=C", "CLINIC_PASSWORD"},
		{"clinic", "sqlserver://db?database=C&password=s3cret", "sqlserver://db?database=C&password=${CLINIC_PASSWORD}", "CLINIC_PASSWORD"},
		{"clinic", "sqlserver://db?PWD=s3cret&database=C", "sqlserver://db?PWD=${CLINIC_PASSWORD}&database=C", "CLINIC_PASSWORD"},
		{"clinic", "sqlserver://db?database=C&password=${PW}", "sqlserver://db?database=C&password=${PW}", ""},
	}
	for _, c := range cases {
		got, env := starterURL(c.name, c.in)
		if got != c.want || env != c.env {
			t.Errorf("starterURL(%q, %q) = %q, %q; want %q, %q", c.name, c.in, got, env, c.want, c.env)
		}
	}
}

// Problems the plan finds are listed at the top, and the file still decodes.
// (A name the config gives is kept as it is, even when another table has it.)
func TestStarterListsProblems(t *testing.T) {
	cfg := shopConfig("")
	cfg.Tables = append(cfg.Tables, config.TableRule{Source: "shop", Table: "LOG", Target: "log"})
	schemas := shopSchemas()
	schemas[0].Tables = append(schemas[0].Tables, schemas[0].Tables[3])
	schemas[0].Tables[4].Name = "LOG"
	var buf bytes.Buffer
	if err := WriteStarter(&buf, cfg, schemas); err != nil {
		t.Fatal(err)
	}
	want := `#   tables.shop.LOG: target table "log" is the target of both shop.Log and shop.LOG`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("starter lacks %q:\n%s", want, buf.String())
	}
	var doc map[string]any
	if err := yaml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Errorf("decode: %v", err)
	}
}

func TestYAMLScalar(t *testing.T) {
	for _, s := range []string{"plain", "Größe", "a b", "a,b", "{x}", "yes", "No", "null", "1abc", "123", "-x",
		"x: y", "#c", "it's", `q"uote`, "tab\there", "new\nline", "", "varchar(50)", "a.b-c", "ünïcode 東京", "\x01"} {
		var got map[string]any
		doc := fmt.Sprintf("k: %s\nf: {a: %s}\n", yamlScalar(s), yamlScalar(s))
		if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
			t.Errorf("%q: %v in %q", s, err, doc)
			continue
		}
		flow, _ := got["f"].(map[string]any)
		if got["k"] != s || flow["a"] != s {
			t.Errorf("%q reads back as %#v and %#v", s, got["k"], flow["a"])
		}
	}
}

// Names the naming rule makes too long for PostgreSQL (63 bytes), or that
// two tables or columns share (Log and LOG, or two long names alike in
// their first 63 bytes), are written shortened and unique, cut at a UTF-8
// boundary with a hash of the whole name: the file init writes plans, and
// writes the same names every time.
func TestStarterFitsLongNames(t *testing.T) {
	long := strings.Repeat("Überweisungsübersicht", 4) // 21 characters, 23 bytes
	cfg := shopConfig("")
	cfg.Sources = []config.Source{{Name: "shop", URL: "mysql://h/shop"}, {Name: "pharmacy", URL: "sqlite:p.db"}}
	cfg.Target.URL = "postgres://pg/x"
	cols := []sluice.Column{
		col("ID", intT("int(11)", 32, false), false),
		col(long+"Ä", strT("varchar(5)", 5), true),
		col(long+"Ö", strT("varchar(5)", 5), true),
		col("Größe", strT("varchar(5)", 5), true),
		col("GRÖSSE", strT("varchar(5)", 5), true),
	}
	schemas := shopSchemas()
	schemas[0].Tables = append(schemas[0].Tables,
		sluice.Table{Name: long + "Patienten", Columns: cols, PrimaryKey: []string{"ID"}},
		sluice.Table{Name: long + "Patientinnen", Columns: cols, PrimaryKey: []string{"ID"}},
		sluice.Table{Name: "LOG", Columns: cols[:1]})
	var first, second bytes.Buffer
	if err := WriteStarter(&first, cfg, schemas); err != nil {
		t.Fatal(err)
	}
	if err := WriteStarter(&second, cfg, schemas); err != nil || first.String() != second.String() {
		t.Fatalf("two starters differ (%v)", err)
	}
	if strings.Contains(first.String(), "Fix these") {
		t.Fatalf("the starter lists problems:\n%s", first.String())
	}
	parsed, err := config.Parse(strings.NewReader(first.String()), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse the starter: %v\n%s", err, first.String())
	}
	p, err := Build(parsed, schemas)
	if err != nil {
		t.Fatalf("the starter does not plan: %v\n%s", err, first.String())
	}
	names := map[string]bool{}
	for _, tbl := range p.Tables {
		if len(tbl.Name) > 63 || !utf8.ValidString(tbl.Name) || names[tbl.Name] {
			t.Errorf("table name %q: too long, cut inside a character, or taken", tbl.Name)
		}
		names[tbl.Name] = true
		seen := map[string]bool{}
		for _, c := range tbl.Columns {
			if len(c.Name) > 63 || !utf8.ValidString(c.Name) || seen[c.Name] {
				t.Errorf("%s: column name %q: too long, cut inside a character, or taken", tbl.Name, c.Name)
			}
			seen[c.Name] = true
		}
	}
	if !names["log"] || !names["log_2"] {
		t.Errorf("Log and LOG are not log and log_2: %v", names)
	}
}

// A source's declared encoding is written back; a SQLite source without
// one gets the key commented out, a MySQL source none.
func TestStarterEncoding(t *testing.T) {
	cfg := fixtureConfig(variants[0].defaults())
	var buf bytes.Buffer
	if err := WriteStarter(&buf, cfg, fixtureSchemas()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "# encoding: latin1"); n != 1 {
		t.Errorf("%d commented encodings, want 1 (the SQLite source):\n%s", n, buf.String())
	}
	for i := range cfg.Sources {
		if strings.HasPrefix(cfg.Sources[i].URL, "sqlite:") {
			cfg.Sources[i].Encoding = "cp1252"
		}
	}
	buf.Reset()
	if err := WriteStarter(&buf, cfg, fixtureSchemas()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := mapAt(t, mapAt(t, doc, "sources"), "pharmacy")["encoding"]; got != "cp1252" {
		t.Errorf("pharmacy encoding %v, want cp1252", got)
	}
}
