package plan

import (
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// Which tables sync streams, reruns or stops, and why: a where: filter and
// a PostgreSQL table without a key (unless its source consents to REPLICA
// IDENTITY FULL) are rerun; a table merged without a source column is
// stopped, even with a filter.
func TestSyncModes(t *testing.T) {
	id := col("id", intT("integer", 32, false), false)
	v := col("v", intT("integer", 32, false), true)
	pg := &sluice.Schema{Source: "pg", Engine: "postgres", Tables: []sluice.Table{
		{Name: "keyed", PrimaryKey: []string{"id"}, Columns: []sluice.Column{id, v}},
		{Name: "keyless", Columns: []sluice.Column{id, v}},
		{Name: "filtered", PrimaryKey: []string{"id"}, Columns: []sluice.Column{id, v}},
	}}
	cases := []struct {
		name, yaml, table, rerun, stop string
	}{
		{"keyed streams", "", "pg.keyed", "", ""},
		{"keyless reruns", "", "pg.keyless", "no primary key", ""},
		{"filtered reruns", "tables:\n  pg.filtered: {where: \"v > 1\"}\n", "pg.filtered", "filtered by where:", ""},
	}
	for _, c := range cases {
		tb := table(t, mustFidelityPlan(t, c.yaml, pg), c.table)
		if got := tb.SyncRerun(); !contains(got, c.rerun) {
			t.Errorf("%s: SyncRerun %q, want %q", c.name, got, c.rerun)
		}
		if got := tb.SyncStop(); !contains(got, c.stop) {
			t.Errorf("%s: SyncStop %q, want %q", c.name, got, c.stop)
		}
	}
	consent := "version: 1\nsources:\n  pg: {url: \"postgres://h/d\", capture: {replica_identity_full: true}}\ntarget: {url: \"postgres://h/t\"}\n"
	cfg, err := config.Parse(strings.NewReader(consent), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(cfg, []*sluice.Schema{pg})
	if err != nil {
		t.Fatal(err)
	}
	if got := table(t, p, "pg.keyless").SyncRerun(); got != "" {
		t.Errorf("keyless with consent: SyncRerun %q, want it streamed", got)
	}
	merged := &Table{Where: "v > 1", Merged: &Merged{}}
	if merged.SyncRerun() != "" || merged.SyncStop() == "" {
		t.Errorf("a filtered table merged without a source column: rerun %q, stop %q; want stopped", merged.SyncRerun(), merged.SyncStop())
	}
}

// contains is strings.Contains, with "" wanting "".
func contains(got, want string) bool {
	if want == "" {
		return got == ""
	}
	return strings.Contains(got, want)
}
