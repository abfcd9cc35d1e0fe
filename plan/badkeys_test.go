package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// Only a SQLite primary key that is not the row id is checked at migrate
// time; the rule's bad_keys overrides the default, and a key that may hold
// NULLs is warned about with what migrate will do.
func TestBadKeysMarksUnenforcedKeys(t *testing.T) {
	intCol := func(name string, nullable bool) sluice.Column {
		return col(name, intT("INT", 64, false), nullable)
	}
	alias := intCol("id", false)
	alias.AutoIncrement = true
	lite := &sluice.Schema{Source: "lite", Engine: "sqlite", Tables: []sluice.Table{
		{Name: "nullable", Columns: []sluice.Column{intCol("id", true)}, PrimaryKey: []string{"id"}, RowID: "rowid"},
		{Name: "strict", Columns: []sluice.Column{intCol("a", false), intCol("b", false)}, PrimaryKey: []string{"a", "b"}},
		{Name: "rowid", Columns: []sluice.Column{alias}, PrimaryKey: []string{"id"}, RowID: "rowid"},
		{Name: "keyless", Columns: []sluice.Column{intCol("v", true)}, RowID: "rowid"},
		{Name: "ruled", Columns: []sluice.Column{intCol("id", true)}, PrimaryKey: []string{"id"}, RowID: "rowid"},
	}}
	my := &sluice.Schema{Source: "my", Engine: "mysql", Tables: []sluice.Table{
		{Name: "t", Columns: []sluice.Column{intCol("id", false)}, PrimaryKey: []string{"id"}},
	}}
	d := uuidDefaults()
	d.Keys, d.BadKeys = config.KeysKeep, config.BadKeysLoad
	cfg := &config.Config{File: "sluice.yaml", Version: 1,
		Sources: []config.Source{{Name: "lite", URL: "sqlite:x.db"}, {Name: "my", URL: "mysql://h/my"}},
		Target:  config.Target{URL: "postgres://pg/x", Schema: "public"}, Defaults: d,
		Tables: []config.TableRule{{Source: "lite", Table: "ruled", BadKeys: config.BadKeysReject}}}
	p, err := Build(cfg, []*sluice.Schema{lite, my})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"lite.nullable": "load", "lite.strict": "load", "lite.rowid": "", "lite.keyless": "", "lite.ruled": "reject", "my.t": ""}
	for id, mode := range want {
		if got := p.Table(id).BadKeys; got != mode {
			t.Errorf("%s: BadKeys %q, want %q", id, got, mode)
		}
	}
	warned := func(id, text string) bool {
		return slices.ContainsFunc(p.Warnings, func(w Warning) bool {
			return w.Table == id && strings.Contains(w.Message, "SQLite does not keep NULLs out of the primary key") && strings.Contains(w.Message, text)
		})
	}
	if !warned("lite.nullable", "bad_keys: load") || !warned("lite.ruled", "bad_keys: reject") || warned("lite.strict", "") {
		t.Errorf("warnings: %v", p.Warnings)
	}
	// load changes what the table holds, so it is part of the mapping.
	loaded, rejected := *p.Table("lite.nullable"), *p.Table("lite.nullable")
	rejected.BadKeys = config.BadKeysReject
	if loaded.Hash(p.Namespace) == rejected.Hash(p.Namespace) {
		t.Error("bad_keys: load and reject hash alike")
	}
	rejected.BadKeys = ""
	if r2 := *p.Table("lite.nullable"); func() bool {
		r2.BadKeys = config.BadKeysReject
		return r2.Hash(p.Namespace) != rejected.Hash(p.Namespace)
	}() {
		t.Error("bad_keys: reject changes the hash of a table")
	}
}
