package target

import (
	"context"
	"testing"
)

func TestStatusAndRejectsReturnWhatWasWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint PRIMARY KEY, code varchar(2))")
	session, err := tg.BeginSession(ctx, RunSpec{Command: "migrate", ConfigHash: "abc", Version: "v0.1"})
	if err != nil {
		t.Fatal(err)
	}
	runID, me := session.ID(), NewRun("", "", "")
	err = tg.BeginTable(ctx, TableState{ID: "legacy.items", Source: "legacy", SourceTable: "Items", TargetSchema: "public",
		TargetTable: "items", Generation: 1, State: StateLoading, Strategy: "create", ChunksEstimated: 2, RowsEstimated: 4, RunID: runID})
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.SetSourceRows(ctx, "legacy.items", 1, 4, 1); err != nil {
		t.Fatal(err)
	}
	for i, rows := range [][][]any{{{int64(1), "ab"}, {int64(2), "abc"}}, {{int64(3), "cd"}}} {
		_, err := tg.LoadChunk(ctx, ChunkLoad{RunID: runID, TableID: "legacy.items", Generation: 1, ChunkNo: i + 1,
			Schema: "public", Table: "items", Columns: []string{"id", "code"}, Rows: rows, RowsRead: len(rows)})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tg.SetTableState(ctx, "legacy.items", 1, StateDone, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := session.End(ctx, RunOK, "all good", nil); err != nil {
		t.Fatal(err)
	}

	st, err := tg.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := st.Run
	if r == nil || r.ID != runID || r.Status != RunOK || r.Message != "all good" || r.Command != "migrate" ||
		r.ConfigHash != "abc" || r.Host != me.Host || r.OSUser != me.OSUser || r.PID != me.PID || r.Version != "v0.1" || r.FinishedAt == nil {
		t.Errorf("run = %+v", r)
	}
	if len(st.Tables) != 1 {
		t.Fatalf("tables = %+v", st.Tables)
	}
	tb := st.Tables[0]
	if tb.State != StateDone || tb.RowsSource == nil || *tb.RowsSource != 4 || tb.RowsFiltered != 1 || tb.RowsRead != 3 ||
		tb.RowsLoaded != 2 || tb.RowsRejected != 1 || tb.ChunksDone != 2 || tb.ChunksEstimated != 2 || tb.RunID != runID ||
		tb.FinishedAt == nil || tb.SourceTable != "Items" {
		t.Errorf("table = %+v", tb)
	}
	if st.Rejects["legacy.items"] != 1 {
		t.Errorf("reject counts = %v", st.Rejects)
	}
	rejects, err := tg.Rejects(ctx, runID, 10)
	if err != nil || len(rejects) != 1 {
		t.Fatalf("rejects = %+v, %v", rejects, err)
	}
	if rj := rejects[0]; rj.RunID != runID || rj.ChunkNo != 1 || rj.Column != "code" || rj.RawText != "abc" || rj.TargetTable != "items" {
		t.Errorf("reject = %+v", rj)
	}
	if other, _ := tg.Rejects(ctx, runID+1, 10); len(other) != 0 {
		t.Errorf("rejects of another run = %+v", other)
	}
}

func TestBeginTableResetsCountersOnlyForANewGeneration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint)")
	beginTable(t, tg, "legacy.items", "items")
	if err := tg.SetSourceRows(ctx, "legacy.items", 1, 10, 0); err != nil {
		t.Fatal(err)
	}
	load := func(gen, chunk int) {
		_, err := tg.LoadChunk(ctx, ChunkLoad{TableID: "legacy.items", Generation: gen, ChunkNo: chunk, Schema: "public",
			Table: "items", Columns: []string{"id"}, Rows: [][]any{{int64(chunk)}}, RowsRead: 1})
		if err != nil {
			t.Fatal(err)
		}
	}
	load(1, 1)
	beginTable(t, tg, "legacy.items", "items") // a resume: same generation
	if st, _ := tg.TableState(ctx, "legacy.items"); st.RowsLoaded != 1 || st.RowsSource == nil {
		t.Errorf("resume lost the counters: %+v", st)
	}
	err := tg.BeginTable(ctx, TableState{ID: "legacy.items", Source: "legacy", SourceTable: "items",
		TargetSchema: "public", TargetTable: "items", Generation: 2, PlanHash: "abc123"})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := tg.TableState(ctx, "legacy.items")
	if st.PlanHash != "abc123" {
		t.Errorf("plan hash = %q, want the one begun with", st.PlanHash)
	}
	if st.Generation != 2 || st.State != StatePending || st.RowsLoaded != 0 || st.ChunksDone != 0 || st.RowsSource != nil {
		t.Errorf("new generation kept counters: %+v", st)
	}
	if last, _ := tg.LastChunk(ctx, "legacy.items", 2); last != nil {
		t.Errorf("generation 2 has a ledger already: %+v", last)
	}
	load(2, 1) // chunk 1 again, in the new generation
	if err := tg.SetTableState(ctx, "legacy.items", 1, StateDone, ""); err == nil {
		t.Error("SetTableState of a stale generation succeeded")
	}
	if st, _ := tg.TableState(ctx, "legacy.items"); st.State != StatePending {
		t.Errorf("state = %s", st.State)
	}
	if none, err := tg.TableState(ctx, "legacy.nothing"); none != nil || err != nil {
		t.Errorf("state of an unknown table = %+v, %v", none, err)
	}
	if n, err := tg.CountRows(ctx, "public", "items"); n != 2 || err != nil {
		t.Errorf("count = %d, %v", n, err)
	}
}
