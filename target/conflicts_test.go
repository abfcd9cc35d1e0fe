package target

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func nameOfA(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	return queryText(t, conn, "SELECT name FROM patients WHERE mrn = 'A'")
}

func onlyConflict(t *testing.T, tg *Target) Conflict {
	t.Helper()
	cs, err := tg.Conflicts(context.Background(), ConflictFilter{Table: "public.patients"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("conflicts = %+v, %v; want one", cs, err)
	}
	return cs[0]
}

// manual: the first source's row owns the entity, each disagreement is
// queued once, and a resolution survives reruns, also when the owner
// rewrites the row.
func TestManualConflictsAreQueuedOnceAndResolutionsSurviveReruns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL)
	e1 := patient("east", "e1", "A", "Ann", "111", "")
	w1 := patient("west", "w1", "A", "Anne", "", "a@x")
	gen := 1
	load := func(e, w pt) (ChunkResult, ChunkResult) {
		t.Helper()
		defer func() { gen++ }()
		return loadPatients(t, tg, "east", gen, manualSpec(), e), loadPatients(t, tg, "west", gen, manualSpec(), w)
	}
	if _, w := load(e1, w1); w != (ChunkResult{Loaded: 1, Updated: 1, Conflicts: 1}) {
		t.Errorf("west = %+v, want the email filled and one conflict", w)
	}
	c := onlyConflict(t, tg)
	if c.Column != "name" || c.OwnerSource != "east" || c.OwnerKey != "e1" || c.OwnerValue != "Ann" ||
		c.OtherSource != "west" || c.OtherKey != "w1" || c.OtherValue != "Anne" || c.Status != ConflictOpen ||
		c.Entity != entityUUID("A") || c.Schema != "public" || c.Table != "patients" {
		t.Errorf("conflict = %+v", c)
	}
	if nameOfA(t, conn) != "Ann" {
		t.Errorf("an open conflict keeps the owner's value, got %s", nameOfA(t, conn))
	}

	before := xmins(t, conn, "patients", "mrn")
	if e, w := load(e1, w1); e != (ChunkResult{Loaded: 1, Unchanged: 1}) || w != (ChunkResult{Loaded: 1, Unchanged: 1}) {
		t.Errorf("rerun = %+v, %+v; want nothing written, no conflict", e, w)
	}
	if got := rewritten(before, xmins(t, conn, "patients", "mrn")); len(got) != 0 {
		t.Errorf("the rerun wrote %v", got)
	}
	if onlyConflict(t, tg).ID != c.ID {
		t.Error("the rerun queued the conflict again")
	}

	resolved, err := tg.ResolveConflict(ctx, c.ID, Resolution{Take: TakeOther, By: "dr. who"})
	if err != nil {
		t.Fatal(err)
	}
	if resolved.Status != ConflictResolved || resolved.Resolution != TakeOther || *resolved.ResolvedValue != "Anne" ||
		resolved.ResolvedBy != "dr. who" || resolved.ResolvedAt.IsZero() || nameOfA(t, conn) != "Anne" {
		t.Errorf("resolved = %+v, name %s", resolved, nameOfA(t, conn))
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.audit WHERE operation = 'conflict.resolve' AND details->>'take' = 'other'"); n != 1 {
		t.Errorf("%d audit entries of the resolution", n)
	}

	if e, w := load(e1, w1); e.Unchanged != 1 || w.Unchanged != 1 || w.Conflicts != 0 || nameOfA(t, conn) != "Anne" {
		t.Errorf("rerun after the resolution: %+v, %+v, name %s", e, w, nameOfA(t, conn))
	}
	// east's row changes elsewhere and rewrites the name: the resolution is applied again.
	e1.phone = "112"
	if e, w := load(e1, w1); e.Updated != 1 || w != (ChunkResult{Loaded: 1, Updated: 1}) || nameOfA(t, conn) != "Anne" {
		t.Errorf("after east rewrote the row: %+v, %+v, name %s", e, w, nameOfA(t, conn))
	}
	if c := onlyConflict(t, tg); c.Status != ConflictResolved {
		t.Errorf("the conflict was reopened: %+v", c)
	}

	// west's value changes: the resolution no longer holds; the owner's value comes back.
	w1.name = "Annie"
	if _, w := load(e1, w1); w.Conflicts != 1 || w.Updated != 1 {
		t.Errorf("west changed = %+v, want the conflict reopened and the name written back", w)
	}
	c = onlyConflict(t, tg)
	if c.Status != ConflictOpen || c.OwnerValue != "Ann" || c.OtherValue != "Annie" || c.ResolvedValue != nil || nameOfA(t, conn) != "Ann" {
		t.Errorf("reopened = %+v, name %s", c, nameOfA(t, conn))
	}

	value := "Ann M."
	if _, err := tg.ResolveConflict(ctx, c.ID, Resolution{Take: TakeValue, Value: &value}); err != nil {
		t.Fatal(err)
	}
	if e, w := load(e1, w1); e.Unchanged != 1 || w.Unchanged != 1 || nameOfA(t, conn) != value {
		t.Errorf("rerun after a value: %+v, %+v, name %s", e, w, nameOfA(t, conn))
	}
	if _, err := tg.ResolveConflict(ctx, c.ID, Resolution{Take: TakeOwner}); err != nil || nameOfA(t, conn) != "Ann" {
		t.Errorf("take owner: %v, name %s", err, nameOfA(t, conn))
	}
	if _, err := tg.ResolveConflict(ctx, c.ID, Resolution{Take: "mine"}); err == nil || !strings.Contains(err.Error(), `take "mine"`) {
		t.Errorf("a bad resolution: %v", err)
	}
	if open, _ := tg.Conflicts(ctx, ConflictFilter{Status: ConflictOpen}); len(open) != 0 {
		t.Errorf("open conflicts: %+v", open)
	}
}

// A resolved value is cast to the column's type; one that does not cast is
// refused and changes nothing.
func TestResolveConflictCastsTheValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, patientsDDL)
	loadPatients(t, tg, "east", 1, manualSpec(), patient("east", "e1", "A", "Ann", "", "").at(1))
	loadPatients(t, tg, "west", 1, manualSpec(), patient("west", "w1", "A", "Ann", "", "").at(2))
	c := onlyConflict(t, tg)
	if c.Column != "updated_at" {
		t.Fatalf("conflict on %s, want updated_at", c.Column)
	}
	bad := "yesterday-ish"
	if _, err := tg.ResolveConflict(ctx, c.ID, Resolution{Take: TakeValue, Value: &bad}); err == nil {
		t.Error("a value that is no timestamp was taken")
	}
	if onlyConflict(t, tg).Status != ConflictOpen {
		t.Error("the failed resolution resolved the conflict")
	}
	good := "2024-03-01 12:00:00+00"
	if _, err := tg.ResolveConflict(ctx, c.ID, Resolution{Take: TakeValue, Value: &good}); err != nil {
		t.Fatal(err)
	}
	if got := queryText(t, conn, "SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM patients"); got != "2024-03-01 12:00" {
		t.Errorf("updated_at = %s", got)
	}
}
