package target

import (
	"context"
	"strings"
	"testing"
)

// A batch adds the columns added to the source before its rows, records
// the table's new mapping, counts the changes of tables kept current by
// reruns without applying them, and keeps its notes for status.
func TestApplyBatchAddsColumnsAndCountsSkipped(t *testing.T) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL)")
	beginTable(t, tg, "legacy.t", "t")
	if err := tg.StartStream(ctx, 0, "legacy", "cap", "0/10", nil); err != nil {
		t.Fatal(err)
	}
	b := StreamBatch{Source: "legacy", From: "0/10", To: "0/20", Transactions: 1,
		Adds:    []ColumnAdd{{TableID: "legacy.t", Schema: "public", Table: "t", Column: "z", Type: "integer", PlanHash: "h2"}},
		Changes: []RowChange{{TableID: "legacy.t", Schema: "public", Table: "t", Op: OpInsert, Key: []string{"id"}, Columns: []string{"id", "v", "z"}, Values: []any{int64(1), "one", int64(7)}}},
		Ignored: map[string]string{"legacy.m": "ignored: names its columns"},
	}
	b.Skip("legacy.f")
	b.Skip("legacy.f")
	if _, err := tg.ApplyBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pgStrings(t, conn, "SELECT id || '=' || v || '=' || z FROM t"), ","); got != "1=one=7" {
		t.Errorf("t holds %s, want 1=one=7", got)
	}
	if st, err := tg.TableState(ctx, "legacy.t"); err != nil || st.PlanHash != "h2" {
		t.Errorf("the table's mapping after the added column: %+v, %v", st, err)
	}
	counts, err := tg.StreamCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.TableID == "legacy.f" && (c.Skipped != 2 || c.Changes != 0) {
			t.Errorf("counts of the rerun table: %+v, want 2 skipped", c)
		}
	}
	if notes, err := tg.StreamNotes(ctx, "legacy"); err != nil || notes["legacy.m"] == "" {
		t.Errorf("notes %v, %v", notes, err)
	}
}
