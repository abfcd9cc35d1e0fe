package target

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Each batch with a source commit time is a point of the lag series: the
// target's commit minus the source's; the series keeps the latest, oldest
// first, and only of the window.
func TestLagSeriesFromStreamBatches(t *testing.T) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL)")
	beginTable(t, tg, "legacy.t", "t")
	if err := tg.StartStream(ctx, 0, "legacy", "cap", "0/0", nil); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		b := StreamBatch{Source: "legacy", From: fmt.Sprintf("0/%d", i), To: fmt.Sprintf("0/%d", i+1), Transactions: 1,
			Changes: []RowChange{ins(int64(i), "v", fmt.Sprintf("0/%d", i+1))}}
		if i > 0 { // the first batch's source cannot tell its commit time
			b.SourceTime = time.Now().Add(-time.Duration(10*i) * time.Second)
		}
		if _, err := tg.ApplyBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	points, err := tg.LagSeries(ctx, time.Hour, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || points[0].Source != "legacy" || points[0].Changes != 1 || !points[0].At.Before(points[1].At) {
		t.Fatalf("points %+v, want the last two batches, oldest first", points)
	}
	// Batch 2 was 20 s late, batch 3 30 s (and less than a minute more
	// however slow the machine).
	if points[0].LagSeconds < 20 || points[0].LagSeconds > 80 || points[1].LagSeconds < 30 || points[1].LagSeconds > 90 {
		t.Errorf("lags %.1f and %.1f s, want about 20 and 30", points[0].LagSeconds, points[1].LagSeconds)
	}
	all, err := tg.LagSeries(ctx, time.Hour, 100)
	if err != nil || len(all) != 3 {
		t.Errorf("every batch with a source time: %d points, %v; want 3", len(all), err)
	}
	mustExec(t, conn, "UPDATE sluice.audit SET at = at - interval '2 hours' WHERE operation = 'stream.batch'")
	if old, err := tg.LagSeries(ctx, time.Hour, 100); err != nil || len(old) != 0 {
		t.Errorf("batches older than the window: %d points, %v", len(old), err)
	}
}

// The health lists the failed tables and counts the open conflicts.
func TestSyncHealthFailedTablesAndConflicts(t *testing.T) {
	ctx := context.Background()
	tg, conn := newTarget(t)
	beginTable(t, tg, "legacy.t", "t")
	beginTable(t, tg, "legacy.u", "u")
	h, err := tg.SyncHealth(ctx)
	if err != nil || len(h.FailedTables) != 0 || h.OpenConflicts != 0 {
		t.Fatalf("a healthy state: %+v, %v", h, err)
	}
	mustExec(t, conn, `UPDATE sluice.tables SET state = 'failed' WHERE id = 'legacy.u';
		INSERT INTO sluice.conflicts (target_schema, target_table, entity_column, entity, column_name, owner_source, owner_key, other_source, other_key, status)
		VALUES ('public', 't', 'id', gen_random_uuid(), 'v', 'a', '1', 'b', '2', 'open')`)
	h, err = tg.SyncHealth(ctx)
	if err != nil || len(h.FailedTables) != 1 || h.FailedTables[0] != "legacy.u" || h.OpenConflicts != 1 {
		t.Errorf("health %+v, %v; want legacy.u failed and one open conflict", h, err)
	}
}

// The lag is the source commit to the target commit, growing while a
// streaming stream is behind and applies nothing, none when the source says
// the stream is not behind; the rate is per second since the start.
func TestStreamLagAndApplyRate(t *testing.T) {
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	s := Stream{SourceTime: at.Add(-3 * time.Second), AppliedAt: at, StartedAt: at.Add(-10 * time.Second), Changes: 50, BehindBytes: 100}
	if s.Lag(at) != 3*time.Second || s.ApplyRate() != 5 {
		t.Errorf("lag %s, rate %.1f; want 3s and 5", s.Lag(at), s.ApplyRate())
	}
	s.State = StreamStreaming
	if lag := s.Lag(at.Add(time.Minute)); lag != time.Minute {
		t.Errorf("streaming, behind and nothing applied for a minute: lag %s, want 1m", lag)
	}
	s.BehindBytes = 0
	if s.Lag(at.Add(time.Minute)) != 0 {
		t.Errorf("a stream at the end of the source's log lags %s", s.Lag(at))
	}
}
