package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
)

func TestOpenMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	_, err := Open(t.Context(), "lite", "sqlite://"+path)
	var ce *sluice.ConnectError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "lite") {
		t.Fatalf("open a missing file: got %v, want a *sluice.ConnectError naming the source and %s", err, path)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("open created %s (stat: %v); it must not", path, err)
	}
}

func TestOpenBadInput(t *testing.T) {
	notDB := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"sqlite://relative.db", "mysql://x/y", "sqlite:" + notDB} {
		_, err := Open(t.Context(), "lite", u)
		var ce *sluice.ConnectError
		if !errors.As(err, &ce) {
			t.Errorf("open %s: got %v, want a *sluice.ConnectError", u, err)
		}
	}
}

// TestSourceCannotWrite tries writes through the source's own connections:
// every one must fail and the file must stay as it was.
func TestSourceCannotWrite(t *testing.T) {
	path := newDB(t, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := Open(t.Context(), "lite", "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for _, stmt := range []string{
		"INSERT INTO t VALUES (2)", "UPDATE t SET a = 3", "DELETE FROM t",
		"CREATE TABLE u (b INTEGER)", "DROP TABLE t", "PRAGMA user_version = 7",
	} {
		if _, err := src.db.ExecContext(t.Context(), stmt); err == nil {
			t.Errorf("%s through the source succeeded; the source must be read-only", stmt)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("the database file changed")
	}
	if n, err := src.Count(t.Context(), "t", ""); err != nil || n != 1 {
		t.Errorf("count t: %d (%v), want 1", n, err)
	}
}

// TestBusyIsTransient holds an exclusive lock from another connection: the
// source's reads fail with SQLITE_BUSY, which a retry may cure.
func TestBusyIsTransient(t *testing.T) {
	old := busyTimeout
	busyTimeout = 50 * time.Millisecond
	t.Cleanup(func() { busyTimeout = old })
	path := newDB(t, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);")
	src, err := Open(t.Context(), "lite", "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	unlock := lockExclusive(t, path)
	_, err = src.Count(t.Context(), "t", "")
	if !sluice.IsTransient(err) {
		t.Errorf("count under an exclusive lock: got %v, want a transient error", err)
	}
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "t", Columns: []string{"a"}})
	if err == nil {
		it.Next()
		err = it.Err()
		it.Close()
	}
	if !sluice.IsTransient(err) {
		t.Errorf("read under an exclusive lock: got %v, want a transient error", err)
	}
	unlock()
	if n, err := src.Count(t.Context(), "t", ""); err != nil || n != 1 {
		t.Errorf("count after the lock: %d (%v), want 1", n, err)
	}
}

func lockExclusive(t *testing.T, path string) func() {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}
}
