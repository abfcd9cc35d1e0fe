package plan

import (
	"bytes"
	"os"
	"testing"

	"github.com/sluicedb/sluice/config"
)

// mergeYAML plans testdata/merge.yaml, the merge fixture's config as a
// user writes it.
func mergeYAML(t *testing.T) *Plan {
	t.Helper()
	f, err := os.Open("testdata/merge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := config.Parse(f, "merge.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := Build(cfg, mergeSchemas())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}

func render(t *testing.T, p *Plan) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := p.Render(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The rendered plan of merged tables, computed columns, expansions and two
// databases; the config built in code plans the same.
func TestGoldenRenderMerge(t *testing.T) {
	got := render(t, mergeYAML(t))
	golden(t, "merge.plan.golden", got)
	p, err := Build(mergeConfig(), mergeSchemas())
	if err != nil {
		t.Fatal(err)
	}
	if inCode := render(t, p); !bytes.Equal(inCode, got) {
		t.Errorf("the config built in code plans differently from testdata/merge.yaml:\n%s", inCode)
	}
}

func TestGoldenDDLMerge(t *testing.T) {
	p := mergeYAML(t)
	var script []byte
	for _, db := range p.Databases {
		script = append(script, "-- database "+db.Name+"\n"...)
		script = append(script, ddlScript(p.ForDatabase(db.Name))...)
	}
	golden(t, "merge.sql.golden", script)
}

// Config problems found by the plan point at the lines of the file.
func TestMergeErrorsYAML(t *testing.T) {
	f, err := os.Open("testdata/merge_errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := config.Parse(f, "merge_errors.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	_, err = Build(cfg, mergeSchemas())
	if err == nil {
		t.Fatal("Build succeeded")
	}
	golden(t, "merge_errors.golden", []byte(err.Error()+"\n"))
}
