package postgres

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// The capture tests run on a private server with wal_level=logical,
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
	private.once.Do(func() { private.srv, private.err = sluicetest.StartPrivatePostgres() })
	if private.err != nil {
		sluicetest.Unavailable(t, "a private PostgreSQL with wal_level=logical", private.err)
	}
	return private.srv
}

// captureDB makes a database on srv holding script and opens it as a
// Source; the capture of spec is dropped and the database with it at the end.
func captureDB(t testing.TB, srv *sluicetest.PrivateServer, script string) (string, *Source) {
	t.Helper()
	name, err := srv.CreateDatabase("capture")
	if err != nil {
		t.Fatalf("create database: %v", err)
	}
	url := srv.URL(name)
	if script != "" {
		if err := srv.ExecPrivate(name, script); err != nil {
			t.Fatalf("run script: %v", err)
		}
	}
	src := openURL(t, url)
	t.Cleanup(func() {
		src.Close()
		_ = srv.ExecPrivate("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"+name+"' AND NOT active")
		_ = srv.ExecPrivate("postgres", "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return url, src
}

func execURL(t testing.TB, url, script string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, script); err != nil {
		t.Fatalf("exec %q: %v", script, err)
	}
}

func snapshotOf(t testing.TB, src *Source, spec sluice.CaptureSpec) sluice.Snapshot {
	t.Helper()
	snap, err := src.Snapshot(context.Background(), spec)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return snap
}

func changesFrom(t testing.TB, src *Source, spec sluice.CaptureSpec, from sluice.Position) sluice.ChangeStream {
	t.Helper()
	st, err := src.Changes(context.Background(), spec, from)
	if err != nil {
		t.Fatalf("changes: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// nextChanges reads changes until stop says so, failing after limit.
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

// transactions reads n transactions (Begin to Commit), heartbeats left out.
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

// readRows reads table through src in key order.
func readRows(t testing.TB, src sluice.Source, table string, cols, key []string) [][]any {
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
