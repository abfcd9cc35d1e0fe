package freeze_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/freeze"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
)

// The tests set read_only on a private MariaDB, never on the shared one.
var private struct {
	once sync.Once
	srv  *sluicetest.PrivateServer
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if private.srv != nil {
		private.srv.Stop()
	}
	os.Exit(code)
}

func setup(t *testing.T) (*target.Target, *mysql.Source, *sluicetest.PrivateServer) {
	t.Helper()
	private.once.Do(func() { private.srv, private.err = sluicetest.StartPrivateMariaDB() })
	if private.err != nil {
		sluicetest.Unavailable(t, "a private MariaDB", private.err)
	}
	srv := private.srv
	db, err := srv.CreateDatabase("freeze")
	if err != nil {
		t.Fatal(err)
	}
	src, err := mysql.Open(context.Background(), "legacy", srv.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close(); _ = srv.ExecPrivate("mysql", "SET GLOBAL read_only = OFF; DROP DATABASE "+db) })
	tg, err := target.Open(context.Background(), sluicetest.NewPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.Close)
	if err := tg.EnsureState(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tg, src, srv
}

func frozen(t *testing.T, src *mysql.Source) bool {
	t.Helper()
	st, err := src.FrozenState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Frozen
}

// A Sluice killed after freezing the source and before recording the
// position leaves a record that says so; the next run completes the
// freeze with the first prior settings, and Thaw unfreezes.
func TestAFreezeInterruptedAfterTheSourceFroze(t *testing.T) {
	ctx := context.Background()
	tg, src, _ := setup(t)
	prior, err := src.FrozenState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.BeginFreeze(ctx, "legacy", "mysql", prior.Settings); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Freeze(ctx, sluice.FreezeOptions{}); err != nil {
		t.Fatal(err)
	}
	// killed here
	open, err := tg.OpenFreezes(ctx)
	if err != nil || len(open) != 1 || open[0].Status != "freezing" {
		t.Fatalf("after the crash: %+v, %v; want one freeze in state freezing", open, err)
	}

	st, err := freeze.Source(ctx, tg, "legacy", src, sluice.FreezeOptions{})
	if err != nil || !st.Frozen || st.Position == nil {
		t.Fatalf("resumed freeze: %+v, %v; want frozen with a position", st, err)
	}
	rec, found, err := tg.OpenFreeze(ctx, "legacy")
	if err != nil || !found || rec.Status != "frozen" || rec.Position != st.Position.String() || rec.Prior["read_only"] != "OFF" {
		t.Fatalf("record: %+v, %v; want frozen at %v with prior read_only OFF", rec, err, st.Position)
	}

	thawed, err := freeze.Thaw(ctx, tg, "legacy", src)
	if err != nil || !thawed {
		t.Fatalf("thaw: %v, %v", thawed, err)
	}
	if frozen(t, src) {
		t.Fatalf("the source is still read-only after thaw")
	}
	if open, _ := tg.OpenFreezes(ctx); len(open) != 0 {
		t.Fatalf("open freezes after thaw: %+v", open)
	}
}

// Thaw never unfreezes a source Sluice did not freeze.
func TestThawLeavesAFreezeItDidNotMake(t *testing.T) {
	ctx := context.Background()
	tg, src, srv := setup(t)
	if err := srv.ExecPrivate("mysql", "SET GLOBAL read_only = ON"); err != nil {
		t.Fatal(err)
	}
	thawed, err := freeze.Thaw(ctx, tg, "legacy", src)
	if err != nil || thawed {
		t.Fatalf("thaw without a record: %v, %v; want nothing done", thawed, err)
	}
	if !frozen(t, src) {
		t.Fatalf("thaw unfroze a server Sluice had not frozen")
	}
}
