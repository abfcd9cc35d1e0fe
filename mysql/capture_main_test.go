package mysql_test

import (
	"os"
	"sync"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/sluicetest"
)

// The capture tests run on a private MariaDB with a row-based binlog,
// started on first use and stopped after the package's tests.
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

func privateServer(t testing.TB) *sluicetest.PrivateServer {
	t.Helper()
	private.once.Do(func() { private.srv, private.err = sluicetest.StartPrivateMariaDB() })
	if private.err != nil {
		sluicetest.Unavailable(t, "a private MariaDB with a binlog", private.err)
	}
	return private.srv
}

// captureDB makes a database on srv holding script and opens it.
func captureDB(t testing.TB, srv *sluicetest.PrivateServer, script string) (string, *mysql.Source) {
	t.Helper()
	name, err := srv.CreateDatabase("capture")
	if err != nil {
		t.Fatalf("create database: %v", err)
	}
	if script != "" {
		if err := srv.ExecPrivate(name, script); err != nil {
			t.Fatalf("run script: %v", err)
		}
	}
	src := openSource(t, srv.URL(name))
	t.Cleanup(func() {
		src.Close()
		_ = srv.ExecPrivate("mysql", "DROP DATABASE IF EXISTS "+name)
	})
	return name, src
}

// positionNow is the position of a snapshot taken and closed at once.
func positionNow(t testing.TB, src *mysql.Source, spec sluice.CaptureSpec) sluice.Position {
	t.Helper()
	snap := sluicetest.SnapshotOf(t, src, spec)
	defer snap.Close()
	return snap.Position()
}

func execOn(t testing.TB, srv *sluicetest.PrivateServer, db, script string) {
	t.Helper()
	if err := srv.ExecPrivate(db, script); err != nil {
		t.Fatalf("exec %q: %v", script, err)
	}
}

// runMix runs n transactions of mix on db and returns the changes they
// must stream: the binlog (ROW, FULL image) has every row whole.
func runMix(t testing.TB, srv *sluicetest.PrivateServer, db string, mix *sluicetest.Mix, n int) []sluice.Change {
	t.Helper()
	var want []sluice.Change
	for range n {
		tx := mix.Next()
		execOn(t, srv, db, tx.SQL())
		want = append(want, sluice.Change{Kind: sluice.ChangeBegin})
		for _, c := range tx.Changes {
			want = append(want, sluice.Change{Kind: c.Kind, Table: c.Table, Before: c.Old, After: c.New})
		}
		want = append(want, sluice.Change{Kind: sluice.ChangeCommit})
	}
	return want
}
