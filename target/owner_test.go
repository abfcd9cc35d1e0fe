package target

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/audit"
)

// The state schema has one owner: every statement on sluice.* is in this
// package, except those on sluice.audit, which package audit keeps with the
// chain they store (docs/ARCHITECTURE.md, "The state schema's owner").
// Everything else reads and writes the state through this package's typed
// functions. This test scans the string literals of every non-test Go file of
// the module for SQL on a state table, so that the rule stays true.

// notStatements are files whose SQL on sluice.* is text for the user, never
// run by Sluice.
var notStatements = map[string]string{
	"cmd/sluice/cmd_demo.go": "psql commands printed for the user to try",
}

// stateSQL finds SQL that names a table of the schema sluice.
var stateSQL = regexp.MustCompile(`(?i)(?:\b(?:from|join|using|insert\s+into|update|delete\s+from|truncate(?:\s+table)?|` +
	`alter\s+table|drop\s+table(?:\s+if\s+exists)?|create\s+(?:unlogged\s+)?table(?:\s+if\s+not\s+exists)?|` +
	`index(?:\s+if\s+not\s+exists)?\s+\w+\s+on)\s+|to_regclass\(\s*')sluice\.([a-z_]+)`)

// stateTables are the tables of the state schema, as its migrations create
// them.
func stateTables(t *testing.T) map[string]bool {
	t.Helper()
	create := regexp.MustCompile(`(?i)create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?sluice\.([a-z_]+)`)
	tables := map[string]bool{}
	for _, m := range append(migrations, audit.Schema) {
		for _, g := range create.FindAllStringSubmatch(m, -1) {
			tables[g[1]] = true
		}
	}
	for _, want := range []string{"runs", "tables", "chunks", "rejects", "legacy_keys", "audit"} {
		if !tables[want] {
			t.Fatalf("the migrations create no sluice.%s: the scan would miss statements on it (found %v)", want, tables)
		}
	}
	return tables
}

// stateStatements lists the state tables the SQL in file's string literals
// names, one entry per mention.
func stateStatements(t *testing.T, file string, tables map[string]bool) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		text, err := strconv.Unquote(lit.Value)
		if err != nil {
			return true
		}
		for _, m := range stateSQL.FindAllStringSubmatch(text, -1) {
			if tables[strings.ToLower(m[1])] {
				found = append(found, strings.ToLower(m[1]))
			}
		}
		return true
	})
	return found
}

func TestStateSchemaHasOneOwner(t *testing.T) {
	tables := stateTables(t)
	root := ".."
	owned := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		found := stateStatements(t, path, tables)
		switch dir := filepath.ToSlash(filepath.Dir(rel)); {
		case dir == "target":
			owned += len(found)
		case notStatements[rel] != "":
		case dir == "audit":
			for _, table := range found {
				if table != "audit" {
					t.Errorf("%s: SQL on sluice.%s; package audit keeps only sluice.audit's statements, the rest belong in package target", rel, table)
				}
			}
		default:
			for _, table := range found {
				t.Errorf("%s: SQL on sluice.%s outside package target; add a typed function there and call it", rel, table)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if owned < 20 {
		t.Errorf("the scan found %d statements on sluice.* in package target itself: it no longer recognises them", owned)
	}
}
