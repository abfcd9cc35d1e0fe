package plan

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

func rollbackSchemas() []*sluice.Schema {
	id := func(name string) sluice.Column {
		c := col(name, intT("int(11)", 32, false), false)
		c.AutoIncrement = true
		return c
	}
	legacy := &sluice.Schema{Source: "legacy", Engine: "mysql", Tables: []sluice.Table{
		{Name: "patients", PrimaryKey: []string{"id"}, Columns: []sluice.Column{
			id("id"),
			col("ssn", strT("varchar(11)", 11), false),
			col("first", strT("varchar(50)", 50), true),
			col("last", strT("varchar(50)", 50), true),
			col("born", kindT(sluice.KindDate, "date"), true),
		}},
		{Name: "audit", Columns: []sluice.Column{col("at", kindT(sluice.KindTimestamp, "datetime"), false)}},
		{Name: "visits", PrimaryKey: []string{"id"}, Columns: []sluice.Column{
			id("id"),
			col("patient_id", intT("int(11)", 32, false), false),
			col("note", kindT(sluice.KindText, "text"), true),
		}, ForeignKeys: []sluice.ForeignKey{fkTo([]string{"patient_id"}, "patients", []string{"id"})}},
		{Name: "rooms", PrimaryKey: []string{"id"}, Columns: []sluice.Column{id("id"), col("beds", intT("int(11)", 32, false), false)}},
		{Name: "beds", PrimaryKey: []string{"id"}, Columns: []sluice.Column{id("id"), col("room_id", intT("int(11)", 32, false), false)},
			ForeignKeys: []sluice.ForeignKey{fkTo([]string{"room_id"}, "rooms", []string{"id"})}},
		{Name: "wards", PrimaryKey: []string{"id"}, Columns: []sluice.Column{id("id"), col("name", strT("varchar(40)", 40), false)}},
		{Name: "nurses", PrimaryKey: []string{"id"}, Columns: []sluice.Column{id("id"), col("name", strT("varchar(40)", 40), false)}},
	}}
	notes := &sluice.Schema{Source: "notes", Engine: "sqlite", Tables: []sluice.Table{
		{Name: "memo", PrimaryKey: []string{"id"}, Columns: []sluice.Column{id("id"), col("body", kindT(sluice.KindText, "TEXT"), true)}},
	}}
	annex := &sluice.Schema{Source: "annex", Engine: "mysql", Tables: []sluice.Table{
		{Name: "doctors", PrimaryKey: []string{"id"}, Columns: []sluice.Column{id("id"), col("name", strT("varchar(40)", 40), false)}},
	}}
	return []*sluice.Schema{legacy, annex, notes}
}

func rollbackPlan(t *testing.T) *Plan {
	t.Helper()
	f, err := os.Open("testdata/rollback.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := config.Parse(f, "rollback.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := Build(cfg, rollbackSchemas())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}

// The Rollback section: tables written back, excluded, and irreversible
// with every reason.
func TestGoldenRollback(t *testing.T) {
	p := rollbackPlan(t)
	var buf bytes.Buffer
	r := &renderer{w: &buf}
	r.rollback(p)
	golden(t, "rollback.golden", buf.Bytes())

	var ids []string
	for _, tb := range p.Irreversible() {
		ids = append(ids, tb.ID)
	}
	slices.Sort(ids)
	if want := []string{"legacy.patients", "legacy.rooms", "legacy.visits", "notes.memo"}; !slices.Equal(ids, want) {
		t.Errorf("irreversible %v, want %v", ids, want)
	}
	audit := p.Table("legacy.audit")
	if !audit.Rollback.Excluded || audit.Rollback.Reversible() {
		t.Errorf("legacy.audit: %+v, want excluded and irreversible (no primary key)", audit.Rollback)
	}
	if w := p.Table("legacy.wards"); !w.Rollback.Reversible() || w.Rollback.Excluded {
		t.Errorf("legacy.wards: %+v, want reversible", w.Rollback)
	}
}

// Excluding every irreversible table leaves nothing for cutover to refuse.
func TestRollbackFalseClearsTheRefusal(t *testing.T) {
	f, err := os.ReadFile("testdata/rollback.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(f) + "  notes.memo: {rollback: false}\n"
	for _, table := range []string{"legacy.patients", "legacy.visits", "legacy.rooms"} {
		text = strings.Replace(text, "  "+table+":\n", "  "+table+":\n    rollback: false\n", 1)
	}
	cfg, err := config.Parse(bytes.NewReader([]byte(text)), "rollback.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := Build(cfg, rollbackSchemas())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if bad := p.Irreversible(); len(bad) != 0 {
		t.Errorf("irreversible after excluding every such table: %v", bad[0].ID)
	}
}
