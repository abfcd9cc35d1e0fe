package mysql_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

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

func snapshotOf(t testing.TB, src *mysql.Source, spec sluice.CaptureSpec) sluice.Snapshot {
	t.Helper()
	snap, err := src.Snapshot(context.Background(), spec)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return snap
}

// positionNow is the position of a snapshot taken and closed at once.
func positionNow(t testing.TB, src *mysql.Source, spec sluice.CaptureSpec) sluice.Position {
	t.Helper()
	snap := snapshotOf(t, src, spec)
	defer snap.Close()
	return snap.Position()
}

func changesFrom(t testing.TB, src *mysql.Source, spec sluice.CaptureSpec, from sluice.Position) sluice.ChangeStream {
	t.Helper()
	st, err := src.Changes(context.Background(), spec, from)
	if err != nil {
		t.Fatalf("changes: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// nextChanges reads changes, heartbeats left out, until stop says so.
func nextChanges(t testing.TB, st sluice.ChangeStream, limit time.Duration, stop func(sluice.Change) bool) []sluice.Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var out []sluice.Change
	for {
		c, err := st.Next(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("no end of the expected changes within %s; got %d: %v", limit, len(out), kinds(out))
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		if c.Kind != sluice.ChangeHeartbeat {
			out = append(out, c)
		}
		if stop(c) {
			return out
		}
	}
}

// transactions reads n transactions, heartbeats left out.
func transactions(t testing.TB, st sluice.ChangeStream, n int) []sluice.Change {
	t.Helper()
	seen := 0
	return nextChanges(t, st, 60*time.Second, func(c sluice.Change) bool {
		if c.Kind == sluice.ChangeCommit {
			seen++
		}
		return seen == n
	})
}

func kinds(cs []sluice.Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Kind.String() + " " + c.Table
	}
	return out
}

func readAll(t testing.TB, src sluice.Source, table string, cols, key []string) [][]any {
	t.Helper()
	it, err := src.Read(context.Background(), sluice.ReadRequest{Table: table, Columns: cols, Key: key})
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer it.Close()
	var rows [][]any
	for it.Next() {
		rows = append(rows, it.Values())
	}
	if err := it.Err(); err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return rows
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

func compareChanges(t *testing.T, got, want []sluice.Change) {
	t.Helper()
	var begin sluice.Change
	var last sluice.Position
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if g.Kind != w.Kind || g.Table != w.Table || !reflect.DeepEqual(g.Before, w.Before) || !reflect.DeepEqual(g.After, w.After) {
			t.Fatalf("change %d: got %v %s before %v after %v, want %v %s before %v after %v",
				i, g.Kind, g.Table, g.Before, g.After, w.Kind, w.Table, w.Before, w.After)
		}
		switch g.Kind {
		case sluice.ChangeBegin:
			begin = g
			if last != nil {
				if c, err := g.Position.Compare(last); err != nil || c <= 0 {
					t.Fatalf("transaction %s at %s does not follow the one at %s", g.TxID, g.Position, last)
				}
			}
		case sluice.ChangeCommit:
			if c, _ := g.Position.Compare(begin.Position); c != 0 || g.TxID != begin.TxID {
				t.Fatalf("commit %s at %s ends begin %s at %s", g.TxID, g.Position, begin.TxID, begin.Position)
			}
			last = g.Position
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d changes, want %d", len(got), len(want))
	}
}

func columnNames(cols []sluice.Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ",")
}
