package target

import (
	"context"
	"testing"

	"github.com/sluicedb/sluice"
)

func TestFreezeRecordKeepsTheFirstPriorUntilThawed(t *testing.T) {
	ctx := context.Background()
	tg, _ := newTarget(t)
	first, err := tg.BeginFreeze(ctx, "legacy", "mysql", map[string]string{"read_only": "OFF"})
	if err != nil || first.Status != "freezing" || first.Prior["read_only"] != "OFF" {
		t.Fatalf("begin: %+v, %v; want freezing with read_only OFF", first, err)
	}
	// A resumed cutover reads the source frozen and begins again: the
	// record keeps what unfreezing must restore.
	again, err := tg.BeginFreeze(ctx, "legacy", "mysql", map[string]string{"read_only": "ON"})
	if err != nil || again.ID != first.ID || again.Prior["read_only"] != "OFF" {
		t.Fatalf("begin again: %+v, %v; want freeze %d with read_only OFF", again, err, first.ID)
	}
	writers := []sluice.Session{{ID: "7", User: "boss", Why: "user has READ_ONLY ADMIN"}}
	if err := tg.FrozeAt(ctx, "legacy", "0-1-42@binlog.000001:900", writers); err != nil {
		t.Fatalf("froze at: %v", err)
	}
	open, err := tg.OpenFreezes(ctx)
	if err != nil || len(open) != 1 {
		t.Fatalf("open freezes: %+v, %v; want one", open, err)
	}
	f := open[0]
	if f.Status != "frozen" || f.Position != "0-1-42@binlog.000001:900" || f.Frozen.IsZero() || len(f.Writers) != 1 || f.Writers[0].User != "boss" || f.PID == 0 {
		t.Fatalf("open freeze: %+v", f)
	}
	if err := tg.Thawed(ctx, "legacy"); err != nil {
		t.Fatalf("thawed: %v", err)
	}
	if open, err := tg.OpenFreezes(ctx); err != nil || len(open) != 0 {
		t.Fatalf("open freezes after thaw: %+v, %v; want none", open, err)
	}
	if err := tg.FrozeAt(ctx, "legacy", "x", nil); err == nil {
		t.Fatalf("froze at without an open freeze: no error")
	}
	next, err := tg.BeginFreeze(ctx, "legacy", "mysql", map[string]string{"read_only": "OFF"})
	if err != nil || next.ID == first.ID {
		t.Fatalf("a freeze after the thaw: %+v, %v; want a new record", next, err)
	}
}
