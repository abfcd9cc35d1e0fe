package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
)

// The sync metrics are read from the state schema: a batch applied to a
// table counts in sluice_sync_applied_total, the stream's state and the
// source's log as the sync recorded them are gauges.
func TestSyncMetricsFromState(t *testing.T) {
	ctx := context.Background()
	url := sluicetest.NewPostgresDB(t)
	tgt, err := target.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close()
	if err := tgt.EnsureState(ctx); err != nil {
		t.Fatal(err)
	}
	sluicetest.ExecPostgres(t, url, "CREATE TABLE t (id bigint PRIMARY KEY)")
	if err := tgt.StartStream(ctx, 0, "legacy", "cap", "0/10", nil); err != nil {
		t.Fatal(err)
	}
	_, err = tgt.ApplyBatch(ctx, target.StreamBatch{Source: "legacy", From: "0/10", To: "0/20", Transactions: 1,
		SourceTime: time.Now().Add(-2 * time.Second), Changes: []target.RowChange{
			{TableID: "legacy.t", Schema: "public", Table: "t", Op: target.OpInsert, Columns: []string{"id"}, Values: []any{int64(1)}},
			{TableID: "legacy.t", Schema: "public", Table: "t", Op: target.OpInsert, Columns: []string{"id"}, Values: []any{int64(2)}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tgt.RecordCaptureStatus(ctx, "legacy", "0/30", 16, 4096); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewStateCollector([]Database{{Target: tgt}}, time.Minute))
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			got[f.GetName()] += v
		}
	}
	for name, want := range map[string]float64{"sluice_sync_applied_total": 2, "sluice_sync_behind_bytes": 16,
		"sluice_sync_slot_retained_bytes": 4096, "sluice_sync_state": 1} {
		if got[name] != want {
			t.Errorf("%s = %v, want %v", name, got[name], want)
		}
	}
	if got["sluice_sync_lag_seconds"] < 1 {
		t.Errorf("sluice_sync_lag_seconds = %v, want the 2 s the batch was late", got["sluice_sync_lag_seconds"])
	}
}
