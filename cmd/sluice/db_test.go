package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // to build SQLite sources for the tests

	"github.com/sluicedb/sluice/sluicetest"
)

// pgConn connects to a target database for the test's own checks; it is
// closed when the test ends.
func pgConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		sluicetest.Unavailable(t, "PostgreSQL", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// pgInt runs a query that returns one integer.
func pgInt(t *testing.T, conn *pgx.Conn, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// pgRows runs a query and returns each row as its columns' text joined by
// " | ", so whole result sets compare as string slices.
func pgRows(t *testing.T, conn *pgx.Conn, query string, args ...any) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// newSQLite writes a SQLite database at path from a script.
func newSQLite(t *testing.T, path, script string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("build %s: %v", path, err)
	}
	return "sqlite:" + path
}

// mysqlDB opens a test MySQL database by its mysql:// URL.
func mysqlDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", sluicetest.MySQLDSN(t, url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sqlStrings runs a query on a database/sql database and returns its first
// column.
func sqlStrings(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// withPassword returns url with the user's password set to pw.
func withPassword(t *testing.T, url, pw string) string {
	t.Helper()
	scheme, rest, ok := strings.Cut(url, "://")
	user, host, ok2 := strings.Cut(rest, "@")
	if !ok || !ok2 {
		t.Fatalf("cannot add a password to %s", url)
	}
	user, _, _ = strings.Cut(user, ":")
	return scheme + "://" + user + ":" + pw + "@" + host
}

// chinookSQLite is the sqlite: URL of the shared Chinook file with an
// absolute path, so that it holds whatever directory the binary runs in.
func chinookSQLite(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(strings.TrimPrefix(sluicetest.ChinookSQLite(t), "sqlite:"))
	if err != nil {
		t.Fatalf("locate Chinook: %v", err)
	}
	return "sqlite:" + p
}
