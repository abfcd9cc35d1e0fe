package postgres

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
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
