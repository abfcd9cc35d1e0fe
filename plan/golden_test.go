package plan

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/config"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./plan/ -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test ./plan/ -update and review the diff\n--- got ---\n%s", path, got)
	}
}

var variants = []struct {
	name     string
	defaults func() config.Defaults
}{
	{"uuid", uuidDefaults},
	{"keep", keepDefaults},
}

func buildVariant(t *testing.T, d config.Defaults) *Plan {
	t.Helper()
	p, err := Build(fixtureConfig(d), fixtureSchemas())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}

func TestGoldenRender(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := buildVariant(t, v.defaults()).Render(&buf); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), "s3cr3t") || strings.Contains(buf.String(), "://") {
				t.Error("the plan prints a URL")
			}
			golden(t, v.name+".plan.golden", buf.Bytes())
		})
	}
}

// ddlScript is every statement of a run, in execution order; the parts of
// a merged table create and index it once.
func ddlScript(p *Plan) string {
	stmts := []string{CreateSchema(p.Schema)}
	for _, t := range distinctTables(p.Tables) {
		stmts = append(stmts, Create(p.Schema, t)...)
	}
	stmts = append(stmts, DropForeignKeys(p.Schema, p)...)
	stmts = append(stmts, Truncate(p.Schema, p.Tables))
	for _, t := range distinctTables(p.Tables) {
		stmts = append(stmts, PostLoad(p.Schema, t)...)
	}
	stmts = append(stmts, AddForeignKeys(p.Schema, p)...)
	stmts = append(stmts, ValidateForeignKeys(p.Schema, p)...)
	return strings.Join(stmts, "\n") + "\n"
}

func TestGoldenDDL(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			golden(t, v.name+".sql.golden", []byte(ddlScript(buildVariant(t, v.defaults()))))
		})
	}
}

func TestGoldenStarter(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := fixtureConfig(v.defaults())
			var buf bytes.Buffer
			if err := WriteStarter(&buf, cfg, fixtureSchemas()); err != nil {
				t.Fatal(err)
			}
			golden(t, v.name+".starter.golden", buf.Bytes())
		})
	}
}
