package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// A table whose primary key cannot be paged by is still planned with its
// key strategy, and plan says how it will be read instead.
func TestUnpageablePrimaryKeyIsExplained(t *testing.T) {
	sch := &sluice.Schema{Source: "clinic", Engine: "mysql", Tables: []sluice.Table{{
		Name: "Shifts",
		Columns: []sluice.Column{
			col("ShiftID", intT("int(11)", 32, false), false),
			col("Kind", sluice.Type{Kind: sluice.KindEnum, Raw: "enum('day','night')", Values: []string{"day", "night"}}, false),
		},
		PrimaryKey: []string{"ShiftID", "Kind"},
	}}}
	cfg := &config.Config{File: "sluice.yaml", Version: 1, Sources: []config.Source{{Name: "clinic", URL: "mysql://h/clinic"}},
		Target: config.Target{URL: "postgres://pg/x", Schema: "public"}, Defaults: uuidDefaults()}
	p, err := Build(cfg, []*sluice.Schema{sch})
	if err != nil {
		t.Fatal(err)
	}
	tbl := p.Table("clinic.Shifts")
	if tbl.Key != nil || tbl.Keys != config.KeysUUID {
		t.Errorf("key %v, keys %s; want no pagination key and keys: uuid kept", tbl.Key, tbl.Keys)
	}
	found := slices.ContainsFunc(p.Warnings, func(w Warning) bool {
		return w.Table == "clinic.Shifts" && strings.Contains(w.Message, "the primary key (ShiftID, Kind) cannot be paged by") &&
			strings.Contains(w.Message, "read in one pass cut into chunks")
	})
	if !found {
		t.Errorf("no warning explains the pagination: %v", p.Warnings)
	}
}
