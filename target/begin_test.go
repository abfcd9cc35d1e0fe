package target

import (
	"context"
	"testing"
)

// A new generation is recorded exactly when its table was made ready: the
// table's statements and the state row commit together or not at all.
func TestBeginTableCommitsItsStatementsWithTheState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE items (id bigint); INSERT INTO items VALUES (1), (2)")
	st := TableState{ID: "legacy.items", Source: "legacy", SourceTable: "items", TargetSchema: "public",
		TargetTable: "items", Generation: 2, State: StateLoading}
	err := tg.BeginTable(ctx, st, `TRUNCATE "public"."items"`, "SELECT no_such_function()")
	if err == nil {
		t.Fatal("a failing statement did not fail BeginTable")
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM items"); n != 2 {
		t.Errorf("the truncate of a failed BeginTable stayed: %d rows", n)
	}
	if s, _ := tg.TableState(ctx, "legacy.items"); s != nil {
		t.Errorf("a failed BeginTable recorded the generation: %+v", s)
	}
	if err := tg.BeginTable(ctx, st, `TRUNCATE "public"."items"`); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, conn, "SELECT count(*) FROM items"); n != 0 {
		t.Errorf("the table still holds %d rows", n)
	}
	if s, _ := tg.TableState(ctx, "legacy.items"); s == nil || s.Generation != 2 {
		t.Errorf("state = %+v, want generation 2", s)
	}
}
