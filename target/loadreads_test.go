package target

import (
	"context"
	"testing"
	"time"
)

// The read models verify and trace use read back what a load wrote: the
// current generation, its ledger with the stored bounds, its rejects (all
// of them, or one key's), the run, and the verification results.
func TestReadModelsReadWhatALoadWrote(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	if has, err := tg.StateTables(ctx); err != nil || !has.Tables || !has.Rejects || !has.LegacyKeys || !has.Audit {
		t.Fatalf("StateTables = %+v (%v), want every table", has, err)
	}
	if l, err := tg.CurrentLoad(ctx, "legacy.items"); err != nil || l != nil {
		t.Fatalf("CurrentLoad of a table never begun = %+v (%v), want nil", l, err)
	}
	s, err := tg.BeginSession(ctx, RunSpec{Command: "migrate", ConfigHash: "h", Version: "v"})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, conn, "CREATE TABLE items (id bigint PRIMARY KEY, code varchar(2))")
	err = tg.BeginTable(ctx, TableState{ID: "legacy.items", Source: "legacy", SourceTable: "Items", TargetSchema: "public",
		TargetTable: "items", Generation: 1, State: StateLoading, PlanHash: "p1", RunID: s.ID()})
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]any{{int64(1), "ab"}, {int64(2), "abc"}, {int64(3), "xyz"}}
	_, err = tg.LoadChunk(ctx, ChunkLoad{RunID: s.ID(), TableID: "legacy.items", Generation: 1, ChunkNo: 1, Schema: "public",
		Table: "items", Columns: []string{"id", "code"}, Rows: rows, RowsRead: 3, LastKey: []any{int64(3)},
		KeyOf: keysOf([]string{"1", "2", "3"})})
	if err != nil {
		t.Fatal(err)
	}
	l, err := tg.CurrentLoad(ctx, "legacy.items")
	if err != nil || l == nil || l.TargetTable != "items" || l.Generation != 1 || l.State != StateLoading || l.PlanHash != "p1" {
		t.Fatalf("CurrentLoad = %+v (%v)", l, err)
	}
	var chunks []LedgerChunk
	err = tg.EachChunk(ctx, "legacy.items", 1, func(c LedgerChunk) (bool, error) { chunks = append(chunks, c); return true, nil })
	if err != nil || len(chunks) != 1 || chunks[0].RunID != s.ID() || chunks[0].RowsRead != 3 || chunks[0].RowsLoaded != 1 || chunks[0].RowsRejected != 2 {
		t.Fatalf("ledger = %+v (%v)", chunks, err)
	}
	if last, err := DecodeKey(chunks[0].LastKey); err != nil || len(last) != 1 || last[0] != int64(3) {
		t.Errorf("the ledger's last key %q decodes to %v (%v), want [3]", chunks[0].LastKey, last, err)
	}
	if n, err := tg.RejectCount(ctx, "legacy.items", 1); err != nil || n != 2 {
		t.Errorf("RejectCount = %d (%v), want 2", n, err)
	}
	if keys, err := tg.RejectedKeys(ctx, "legacy.items", 1, []string{"1", "3", "4"}); err != nil || len(keys) != 1 || keys[0] != "3" {
		t.Errorf("RejectedKeys = %q (%v), want [3]", keys, err)
	}
	var all, one []RowReject
	if err := tg.EachReject(ctx, "legacy.items", 1, nil, func(r RowReject) { all = append(all, r) }); err != nil {
		t.Fatal(err)
	}
	key := "2"
	if err := tg.EachReject(ctx, "legacy.items", 1, &key, func(r RowReject) { one = append(one, r) }); err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || len(one) != 1 || one[0].Key != "2" || one[0].Column != "code" || one[0].Raw == nil || *one[0].Raw != "abc" {
		t.Errorf("rejects: all %+v, key 2 %+v", all, one)
	}
	if _, err := s.End(ctx, RunOK, "", nil); err != nil {
		t.Fatal(err)
	}
	if r, err := tg.RunRecord(ctx, s.ID()); err != nil || r == nil || r.Status != RunOK || r.Command != "migrate" || r.FinishedAt == nil {
		t.Errorf("RunRecord = %+v (%v)", r, err)
	}
	at := time.Now().UTC().Truncate(time.Second)
	stored := []VerifyResult{{RunID: s.ID(), TableID: "legacy.items", Level: 1, Status: "failed", Findings: 2, Details: []byte(`{"checked": 3}`), At: at}}
	if err := tg.StoreVerifyResults(ctx, stored); err != nil {
		t.Fatal(err)
	}
	got, err := tg.LatestVerify(ctx)
	if err != nil || len(got) != 1 || got[0].RunID != s.ID() || got[0].Status != "failed" || got[0].Findings != 2 || !got[0].At.Equal(at) {
		t.Errorf("LatestVerify = %+v (%v), want what was stored", got, err)
	}
}
