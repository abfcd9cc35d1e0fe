package target

import (
	"context"
	"testing"
)

// A cutover moves through its phases, each with an audit entry; the open
// one is resumed rather than started again, and after a rollback a new one
// starts over.
func TestCutoverRecordThroughItsPhases(t *testing.T) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	if err := tg.EnsureState(ctx); err != nil {
		t.Fatal(err)
	}
	if side, err := tg.Authoritative(ctx); err != nil || side != SideSources {
		t.Fatalf("before any cutover: %q, %v; want sources", side, err)
	}
	if ever, err := tg.EverSwitched(ctx); err != nil || ever {
		t.Fatalf("before any cutover, EverSwitched says %v, %v", ever, err)
	}
	if _, found, err := tg.LatestCutover(ctx); err != nil || found {
		t.Fatalf("before any cutover, LatestCutover found one: %v, %v", found, err)
	}
	c, err := tg.BeginCutover(ctx, 0)
	if err != nil || c.Phase != PhaseChecking || c.Authoritative != SideSources {
		t.Fatalf("begin: %+v, %v", c, err)
	}
	again, err := tg.BeginCutover(ctx, 0)
	if err != nil || again.ID != c.ID {
		t.Fatalf("begin again: %+v, %v; want cutover %d resumed", again, err, c.ID)
	}
	c, err = tg.CutoverStep(ctx, c.ID, 0, CutoverStep{Phase: PhaseFrozen, FreezeStarted: true, Positions: map[string]string{"legacy": "0-1-42"}})
	if err != nil || c.Phase != PhaseFrozen || c.Positions["legacy"] != "0-1-42" || c.FreezeStarted.IsZero() || !c.FreezeEnded.IsZero() {
		t.Fatalf("frozen: %+v, %v", c, err)
	}
	c, err = tg.CutoverStep(ctx, c.ID, 0, CutoverStep{Phase: PhaseProven, Verify: map[string]any{"findings": 0}})
	if err != nil || c.Positions["legacy"] != "0-1-42" || c.Verify["findings"] != float64(0) {
		t.Fatalf("proven: %+v, %v; want the positions kept and the proof", c, err)
	}
	c, err = tg.CutoverStep(ctx, c.ID, 0, CutoverStep{Phase: PhaseSwitched, Authoritative: SideTarget, FreezeEnded: true})
	if err != nil || c.FreezeEnded.IsZero() || c.FreezeDuration() < 0 {
		t.Fatalf("switched: %+v, %v", c, err)
	}
	if side, err := tg.Authoritative(ctx); err != nil || side != SideTarget {
		t.Fatalf("after the switch: %q, %v; want target", side, err)
	}
	if ever, err := tg.EverSwitched(ctx); err != nil || !ever {
		t.Fatalf("after the switch, EverSwitched says %v, %v", ever, err)
	}
	if _, err := tg.CutoverStep(ctx, c.ID, 0, CutoverStep{Phase: PhaseRolledBack, Authoritative: SideSources}); err != nil {
		t.Fatal(err)
	}
	if _, found, err := tg.OpenCutover(ctx); err != nil || found {
		t.Fatalf("open cutover after rollback: %v, %v; want none", found, err)
	}
	if _, err := tg.CutoverStep(ctx, c.ID, 0, CutoverStep{Phase: PhaseFrozen}); err == nil {
		t.Fatalf("a rolled back cutover moved on")
	}
	if ever, err := tg.EverSwitched(ctx); err != nil || !ever {
		t.Fatalf("after the rollback, EverSwitched says %v, %v: the target keeps the rows written while it was authoritative", ever, err)
	}
	if last, found, err := tg.LatestCutover(ctx); err != nil || !found || last.ID != c.ID || last.Phase != PhaseRolledBack || last.Authoritative != SideSources {
		t.Fatalf("latest cutover after the rollback: %+v, %v, %v", last, found, err)
	}
	next, err := tg.BeginCutover(ctx, 0)
	if err != nil || next.ID == c.ID || next.Phase != PhaseChecking {
		t.Fatalf("second cutover: %+v, %v", next, err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM sluice.audit WHERE operation LIKE 'cutover.%'"); n != 6 {
		t.Errorf("%d cutover audit entries, want 6", n)
	}
}
