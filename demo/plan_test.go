package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/sluicedb/sluice/demo"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/plan"
)

// TestPlanReportsEveryKindOfDrift plans the generated estate with the real
// planner: the two patient tables must show each kind of drift `sluice
// plan` reports, and the plan must hold no config error.
func TestPlanReportsEveryKindOfDrift(t *testing.T) {
	p := planEstate(t, generate(t, demo.MinRows))
	if len(p.Drift) != 1 || p.Drift[0].Table != "patients" {
		t.Fatalf("drift %+v, want patients only", p.Drift)
	}
	d := p.Drift[0]
	missing := map[string]string{}
	for _, m := range d.Missing {
		missing[m.Column] = m.Source
	}
	for col, src := range map[string]string{"notes": "clinic_west.Patient", "is_active": "clinic_west.Patient", "preferred_language": "clinical.Patients"} {
		if missing[col] != src {
			t.Errorf("drift does not report %s missing in %s: %+v", col, src, d.Missing)
		}
	}
	if len(d.Types) != 1 || d.Types[0].Column != "phone" || d.Types[0].Resolved != "varchar(60)" {
		t.Errorf("type drift %+v, want phone resolved to varchar(60)", d.Types)
	}
	if !slices.Contains(d.Unused, plan.UnusedDrift{Source: "clinic_west.Patient", Column: "PagerNo"}) {
		t.Errorf("unused columns %+v, want clinic_west.Patient.PagerNo", d.Unused)
	}
}

// TestPlanMergesPatientsAndExpandsRooms: visits reach a merged patient
// through its matched row, and rooms are a table of their own.
func TestPlanMergesPatientsAndExpandsRooms(t *testing.T) {
	p := planEstate(t, generate(t, demo.MinRows))
	for _, id := range []string{"clinical.Patients", "clinic_west.Patient"} {
		if tb := p.Table(id); tb == nil || tb.Name != "patients" || tb.Merged == nil || !slices.Equal(tb.Merged.MatchOn, []string{"mrn"}) {
			t.Errorf("%s is not a part of patients matched on mrn: %+v", id, tb)
		}
	}
	visits := p.Table("clinical.Visits")
	if c := targetColumn(visits, "patient_id"); c == nil || !c.ResolveMatch {
		t.Errorf("visits.patient_id does not resolve to the matched patient: %+v", c)
	}
	rooms := p.Table("clinical.Clinics#clinic_rooms")
	if rooms == nil || rooms.Name != "clinic_rooms" || rooms.Expansion == nil || rooms.Expansion.Column != "NumRooms" {
		t.Fatalf("clinic_rooms is not planned as the expansion of NumRooms: %+v", rooms)
	}
	if targetColumn(rooms, "room_no") == nil || targetColumn(rooms, "clinic_id") == nil {
		t.Errorf("clinic_rooms columns %+v, want room_no and clinic_id", rooms.Columns)
	}
}

func planEstate(t *testing.T, est *demo.Estate) *plan.Plan {
	t.Helper()
	cfg := loadConfig(t, est.ConfigPath)
	p, err := engines.Prepare(context.Background(), cfg)
	if err != nil {
		t.Fatalf("plan the demo estate: %v", err)
	}
	p.Sources.Close()
	return p.Plan
}

func targetColumn(t *plan.Table, name string) *plan.Column {
	if t == nil {
		return nil
	}
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}
