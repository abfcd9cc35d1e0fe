package sluicetest

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// ChinookRows are the expected row counts of Chinook 1.4.5 (testdata/chinook/README.md),
// by the PascalCase table names of the SQLite and MySQL editions.
var ChinookRows = map[string]int64{
	"Album": 347, "Artist": 275, "Customer": 59, "Employee": 8, "Genre": 25,
	"Invoice": 412, "InvoiceLine": 2240, "MediaType": 5, "Playlist": 18,
	"PlaylistTrack": 8715, "Track": 3503,
}

// ChinookSQLite returns a sqlite: URL of the repository's Chinook file. The source
// opens it read-only, so tests share it safely.
func ChinookSQLite(t testing.TB) string {
	t.Helper()
	return "sqlite:" + TestData(t, "chinook/Chinook_Sqlite.sqlite")
}

// ChinookMySQL loads Chinook into a fresh MySQL database and returns its URL.
// The script's own DROP/CREATE/USE of database `Chinook` are left out so
// that parallel tests each get their own copy.
func ChinookMySQL(t testing.TB) string {
	t.Helper()
	script := readShared(t, "chinook/Chinook_MySql.sql")
	script = mysqlDatabaseStmts.ReplaceAllString(script, "")
	u := NewMySQLDB(t)
	ExecMySQL(t, u, script)
	return u
}

var mysqlDatabaseStmts = regexp.MustCompile("(?m)^(DROP DATABASE|CREATE DATABASE|USE) .*;\\s*$")

// ChinookPostgres loads Chinook into a fresh PostgreSQL database and returns
// its URL (snake_case names in this edition: album, album_id, ...).
func ChinookPostgres(t testing.TB) string {
	t.Helper()
	script := readShared(t, "chinook/Chinook_PostgreSql.sql")
	if i := strings.Index(script, `\c chinook;`); i >= 0 {
		script = script[i+len(`\c chinook;`):]
	}
	u := NewPostgresDB(t)
	ExecPostgres(t, u, script)
	return u
}

func readShared(t testing.TB, rel string) string {
	t.Helper()
	b, err := os.ReadFile(TestData(t, rel))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return string(b)
}
