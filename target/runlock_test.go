package target

import (
	"context"
	"testing"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/sluicetest"
)

// A run whose process is gone (its session closed without Session.End) reads
// as interrupted and MarkDeadRuns records it; a run whose process lives
// stays running, and a live run of the same id in another database does not
// keep a dead one alive.
func TestDeadRunsAreInterrupted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	alive, err := tg.BeginSession(ctx, RunSpec{Command: "migrate", ConfigHash: "h", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, sluicetest.NewPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	if err := other.EnsureState(ctx); err != nil {
		t.Fatal(err)
	}
	// Run 2 of the other database stays alive; run 2 here dies.
	for range 2 {
		if _, err := other.BeginSession(ctx, RunSpec{Command: "migrate", ConfigHash: "h", Version: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	dyingTarget, err := Open(ctx, conn.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	dying, err := dyingTarget.BeginSession(ctx, RunSpec{Command: "migrate", ConfigHash: "h", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	dead := dying.ID()
	if dead != 2 {
		t.Fatalf("the dying run is run %d, want 2 (the same id as a live run of the other database)", dead)
	}
	if n, err := tg.MarkDeadRuns(ctx); err != nil || n != 0 {
		t.Fatalf("MarkDeadRuns with every run alive marked %d (%v), want 0", n, err)
	}
	dyingTarget.Close() // the process ends without recording the end of its run
	st, err := tg.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Run.ID != dead || st.Run.Status != RunInterrupted || st.Run.FinishedAt == nil {
		t.Errorf("status shows run %d %s (finished %v), want run %d interrupted", st.Run.ID, st.Run.Status, st.Run.FinishedAt, dead)
	}
	statuses := pgStrings(t, conn, "SELECT status FROM sluice.runs ORDER BY run_id")
	if len(statuses) != 2 || statuses[0] != RunRunning || statuses[1] != RunInterrupted {
		t.Errorf("sluice.runs holds %q, want run %d running and run %d interrupted", statuses, alive.ID(), dead)
	}
	if _, err := alive.End(ctx, RunOK, "", nil); err != nil {
		t.Fatal(err)
	}
	if n, err := tg.MarkDeadRuns(ctx); err != nil || n != 0 {
		t.Errorf("MarkDeadRuns after the live run finished marked %d (%v), want 0", n, err)
	}
	// The dead run's end is in the trail too, so the trail and sluice.runs
	// agree: no "unrecorded run".
	rep, err := tg.VerifyAudit(ctx, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Finished != 2 {
		t.Errorf("audit verify after a dead run: %d runs finished, problems %v; want 2 and none", rep.Finished, rep.Problems())
	}
	ends := pgStrings(t, conn, "SELECT details->>'status' FROM sluice.audit WHERE operation = 'run.end' AND run_id = $1", dead)
	if len(ends) != 1 || ends[0] != RunInterrupted {
		t.Errorf("run.end entries of the dead run: %q, want one saying interrupted", ends)
	}
}

// A table the config no longer plans is retired: out of Status.Tables, in
// Status.Retired; planning it again brings it back.
func TestRetiredTablesLeaveTheStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, _ := newTarget(t)
	beginTable(t, tg, "legacy.rooms", "rooms")
	beginTable(t, tg, "legacy.clinics", "clinics")
	ids, err := tg.RetireTables(ctx, []string{"legacy.clinics", "legacy.clinic_rooms"})
	if err != nil || len(ids) != 1 || ids[0] != "legacy.rooms" {
		t.Fatalf("RetireTables retired %q (%v), want legacy.rooms", ids, err)
	}
	st, err := tg.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tables) != 1 || st.Tables[0].ID != "legacy.clinics" || len(st.Retired) != 1 || st.Retired[0].ID != "legacy.rooms" {
		t.Errorf("status has tables %v and retired %v, want clinics current and rooms retired", st.Tables, st.Retired)
	}
	beginTable(t, tg, "legacy.rooms", "rooms")
	if st, _ = tg.Status(ctx); len(st.Tables) != 2 || len(st.Retired) != 0 {
		t.Errorf("a table planned again is still retired: %d tables, %d retired", len(st.Tables), len(st.Retired))
	}
}
