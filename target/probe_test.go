package target

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestProbeLeavesOnlyChangedRowsToStage: the probe finds the rows the table
// holds with the same hash, and the chunk that goes on to the stage keeps
// only the others, each still named by its place in the whole chunk.
func TestProbeLeavesOnlyChangedRowsToStage(t *testing.T) {
	t.Parallel()
	for _, rng := range []string{"", "id"} {
		t.Run("range "+rng, func(t *testing.T) { testProbe(t, rng) })
	}
}

// testProbe probes with rng as MergeSpec.Range.
func testProbe(t *testing.T, rng string) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, itemsDDL)
	beginGeneration(t, tg, "legacy.items", "items", 1)
	mustLoad(t, tg, itemsChunk(1, 1, MergeUpsert, item(1, "a", "1.00"), item(2, "b", "2.00"), item(3, "c", "3.00")))

	c := itemsChunk(2, 1, MergeUpsert, item(1, "a", "1.00"), item(2, "B", "2.00"), item(3, "c", "3.00"), item(4, "d", "4.00"))
	c.Merge.Range = rng
	err := pgx.BeginFunc(ctx, tg.pool, func(tx pgx.Tx) error {
		sub, same, err := withoutUnchanged(ctx, tx, &c)
		if err != nil {
			return err
		}
		if same != 2 || len(sub.Rows) != 2 {
			t.Errorf("probe: %d unchanged and %d rows left, want 2 and 2", same, len(sub.Rows))
		}
		if len(sub.Rows) == 2 && (sub.KeyOf(0) != "2" || sub.KeyOf(1) != "4") {
			t.Errorf("rows left are named %s and %s, want 2 and 4", sub.KeyOf(0), sub.KeyOf(1))
		}
		var seen int
		err = tx.QueryRow(ctx, "SELECT count(*) FROM sluice.seen WHERE table_id = 'legacy.items' AND generation = 2").Scan(&seen)
		if seen != 2 {
			t.Errorf("%d keys recorded as seen by the probe, want the 2 unchanged", seen)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
