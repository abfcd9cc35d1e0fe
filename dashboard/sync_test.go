package dashboard

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
)

// hostileSource is a source name that would run script if the page wrote
// it as markup.
const hostileSource = `<img src=x onerror="document.title='pwned'">`

// newSyncServer serves a target whose hostile-named source streams: one
// batch applied 5 s after its source commit, with one table stopped.
func newSyncServer(t *testing.T) (*httptest.Server, *target.Target) {
	t.Helper()
	ctx := context.Background()
	tg, url := newStateTarget(t)
	sluicetest.ExecPostgres(t, url, "CREATE TABLE t (id bigint PRIMARY KEY)")
	err := tg.BeginTable(ctx, target.TableState{ID: hostileSource + ".T", Source: hostileSource, SourceTable: "T",
		TargetSchema: "public", TargetTable: "t", Generation: 1, State: target.StateDone})
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.StartStream(ctx, 0, hostileSource, "cap", "0/0", nil); err != nil {
		t.Fatal(err)
	}
	_, err = tg.ApplyBatch(ctx, target.StreamBatch{Source: hostileSource, From: "0/0", To: "0/10", Transactions: 1,
		SourceTime: time.Now().Add(-5 * time.Second), Stops: map[string]string{hostileSource + ".U": "its primary key changed"},
		Changes: []target.RowChange{{TableID: hostileSource + ".T", Schema: "public", Table: "t", Op: target.OpInsert,
			Key: []string{"id"}, Columns: []string{"id"}, Values: []any{int64(1)}, Position: "0/10"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.SetStreamState(ctx, 0, hostileSource, target.StreamStreaming, ""); err != nil {
		t.Fatal(err)
	}
	if err := tg.RecordCaptureStatus(ctx, hostileSource, "0/20", 10, 100); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Options{Databases: []Database{{Name: "db", Target: tg}}}))
	t.Cleanup(srv.Close)
	return srv, tg
}

func getSync(t *testing.T, srv *httptest.Server, query string) syncView {
	t.Helper()
	var v syncView
	r := get(t, srv.Client(), srv.URL+"/api/sync?db=db"+query)
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		t.Fatalf("decode /api/sync: %v", err)
	}
	return v
}

func item(t *testing.T, v syncView, check string) readinessItem {
	t.Helper()
	for _, it := range v.Readiness.Items {
		if it.Check == check {
			return it
		}
	}
	t.Fatalf("no readiness item %q in %+v", check, v.Readiness.Items)
	return readinessItem{}
}

// A streaming source shows its state, lag, changes, stopped table and lag
// series; before a cutover the sources are authoritative; the readiness
// list names what stands in the way.
func TestSyncShowsStreamsLagAndReadiness(t *testing.T) {
	t.Parallel()
	srv, _ := newSyncServer(t)
	v := getSync(t, srv, "")
	if v.Authoritative != target.SideSources || v.Cutover != nil || len(v.Frozen) != 0 {
		t.Errorf("before a cutover: authoritative %q, cutover %+v, frozen %+v", v.Authoritative, v.Cutover, v.Frozen)
	}
	if len(v.Streams) != 1 {
		t.Fatalf("streams %+v, want one", v.Streams)
	}
	s := v.Streams[0]
	if s.Source != hostileSource || s.State != target.StreamStreaming || s.Changes != 1 || s.Position != "0/10" ||
		s.LagSeconds < 5 || s.Stopped[hostileSource+".U"] != "its primary key changed" {
		t.Errorf("stream %+v", s)
	}
	if len(v.Lag.Points) != 1 || v.Lag.Points[0].Source != hostileSource || v.Lag.Points[0].LagSeconds < 5 {
		t.Errorf("lag series %+v, want the one batch, at least 5 s late", v.Lag.Points)
	}
	if v.Readiness.Ready || v.Readiness.MaxLagSeconds != 2 {
		t.Errorf("readiness %+v: ready with a stopped table and a 5 s lag over 2 s?", v.Readiness)
	}
	for check, ok := range map[string]bool{
		"every source's stream is streaming or caught up": true,
		"no table stopped streaming":                      false,
		"the lag is under 2s":                             false,
		"no table failed":                                 true,
		"no open manual conflict":                         true,
		"the last verification is clean":                  false, // never verified
	} {
		if it := item(t, v, check); it.OK != ok || ok != (len(it.Problems) == 0) {
			t.Errorf("%s: %+v, want ok %v", check, it, ok)
		}
	}
	if it := item(t, getSync(t, srv, "&max_lag_ms=3600000"), "the lag is under 1h0m0s"); !it.OK {
		t.Errorf("with an hour's threshold: %+v", it)
	}
}

// Once a cutover switched, the target is authoritative and the page says
// the phase; a frozen source is listed with its position.
func TestSyncShowsCutoverAndFrozenSources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, tg := newSyncServer(t)
	c, err := tg.BeginCutover(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v := getSync(t, srv, ""); v.Cutover == nil || v.Cutover.Phase != target.PhaseChecking || v.Authoritative != target.SideSources {
		t.Errorf("a cutover checking: %+v, authoritative %q", v.Cutover, v.Authoritative)
	}
	if _, err := tg.BeginFreeze(ctx, hostileSource, "postgres", map[string]string{}); err != nil {
		t.Fatal(err)
	}
	if err := tg.FrozeAt(ctx, hostileSource, "0/20", nil); err != nil {
		t.Fatal(err)
	}
	step := target.CutoverStep{Phase: target.PhaseSwitched, Authoritative: target.SideTarget, FreezeStarted: true}
	if _, err := tg.CutoverStep(ctx, c.ID, 0, step); err != nil {
		t.Fatal(err)
	}
	v := getSync(t, srv, "")
	if v.Authoritative != target.SideTarget || v.Cutover == nil || v.Cutover.Phase != target.PhaseSwitched || v.Cutover.ID != c.ID {
		t.Errorf("after the switch: authoritative %q, cutover %+v", v.Authoritative, v.Cutover)
	}
	if len(v.Frozen) != 1 || v.Frozen[0].Source != hostileSource || v.Frozen[0].Status != "frozen" ||
		v.Frozen[0].Position != "0/20" || v.Frozen[0].FrozenAt == nil {
		t.Errorf("frozen %+v", v.Frozen)
	}
}
