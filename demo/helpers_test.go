package demo_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/sluicedb/sluice/demo"
)

// testTarget is only written into generated config files; no test connects
// to it, and it is not the demo's own database.
const testTarget = "postgres://postgres@127.0.0.1:5432/sluice_demo_config_test"

// generate writes an estate of rows patients into a fresh directory.
func generate(t testing.TB, rows int) *demo.Estate {
	t.Helper()
	est, err := demo.Generate(context.Background(), demo.Options{Dir: t.TempDir(), Rows: rows, Target: testTarget})
	if err != nil {
		t.Fatalf("generate %d rows: %v", rows, err)
	}
	return est
}

// openDB opens one database of the estate read-only.
func openDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// tableNames lists the tables of a database, in creation order.
func tableNames(t testing.TB, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatalf("list tables: %v", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("list tables: %v", err)
	}
	return names
}

func count(t testing.TB, db *sql.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
