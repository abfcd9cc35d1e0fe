package plan

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// The rendered plan and the DDL of the EMR fixture.
func TestGoldenSubtypes(t *testing.T) {
	p := emrPlan(t)
	golden(t, "subtype.plan.golden", render(t, p))
	golden(t, "subtype.sql.golden", []byte(ddlScript(p)))
}

// The starter config of the EMR fixture: renamed columns are named, and
// subtypes' row uuids say whose they are.
func TestGoldenSubtypesStarter(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteStarter(&buf, emrConfig(t), []*sluice.Schema{emrSchema()}); err != nil {
		t.Fatal(err)
	}
	golden(t, "subtype.starter.golden", buf.Bytes())
}

// The starter, parsed and planned, gives the same tables (expansions
// aside, which it does not write): its column rules name the renamed
// columns, so only their warnings go.
func TestSubtypesStarterPlans(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteStarter(&buf, emrConfig(t), []*sluice.Schema{emrSchema()}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(&buf, "sluice.yaml")
	if err != nil {
		t.Fatalf("parse the starter: %v", err)
	}
	got, err := Build(cfg, []*sluice.Schema{emrSchema()})
	if err != nil {
		t.Fatalf("plan the parsed starter: %v", err)
	}
	want := emrPlan(t)
	for _, wt := range want.Tables {
		if wt.Expansion != nil {
			continue // the starter writes no expand rules
		}
		gt := table(t, got, wt.ID)
		if !reflect.DeepEqual(gt.Columns, wt.Columns) || !reflect.DeepEqual(gt.ForeignKeys, wt.ForeignKeys) {
			t.Errorf("%s plans differently from its starter:\n%+v\n%+v\nwant:\n%+v\n%+v", wt.ID, gt.Columns, gt.ForeignKeys, wt.Columns, wt.ForeignKeys)
		}
	}
}
