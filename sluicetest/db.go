// Package sluicetest holds what tests across packages share: throwaway
// databases on the real local servers, and the conformance suite that every
// source engine passes.
package sluicetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // the MySQL/MariaDB driver for test set-up
	"github.com/jackc/pgx/v5"
)

// PostgresURL is the server tests use: SLUICE_TEST_POSTGRES_URL, else the
// local one.
func PostgresURL() string {
	if u := os.Getenv("SLUICE_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// MySQLURL is the server tests use: SLUICE_TEST_MYSQL_URL, else the local
// MariaDB.
func MySQLURL() string {
	if u := os.Getenv("SLUICE_TEST_MYSQL_URL"); u != "" {
		return u
	}
	return "mysql://root@127.0.0.1:3306/test"
}

// Unavailable skips a test whose database cannot be reached, except in CI
// (CI=true), where it fails: a suite that skips silently proves nothing.
func Unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is unreachable and CI=true: %v", what, err)
	}
	t.Skipf("%s is unreachable (set CI=true to fail instead): %v", what, err)
}

// UniqueName returns prefix_<random hex>, a database name no parallel test uses.
func UniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// NewPostgresDB creates an empty database on the test server and drops it
// when the test ends. It returns its URL.
func NewPostgresDB(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		Unavailable(t, "PostgreSQL", err)
	}
	defer admin.Close(ctx)
	name := UniqueName("sluicetest")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() { dropPostgresDB(t, name) })
	return withPath(t, PostgresURL(), name)
}

// NewPostgresDBEncoded is NewPostgresDB for a database whose text is stored
// in encoding (LATIN1, WIN1252, SQL_ASCII, ...), with the C locale, which
// every encoding accepts.
func NewPostgresDBEncoded(t testing.TB, encoding string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		Unavailable(t, "PostgreSQL", err)
	}
	defer admin.Close(ctx)
	if strings.Trim(encoding, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
		t.Fatalf("encoding %q is not an encoding name", encoding)
	}
	name := UniqueName("sluicetest")
	q := "CREATE DATABASE " + name + " ENCODING '" + encoding + "' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
	if _, err := admin.Exec(ctx, q); err != nil {
		t.Fatalf("create database %s in %s: %v", name, encoding, err)
	}
	t.Cleanup(func() { dropPostgresDB(t, name) })
	return withPath(t, PostgresURL(), name)
}

func dropPostgresDB(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		t.Logf("drop database %s: %v", name, err)
		return
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Logf("drop database %s: %v", name, err)
	}
}

// NewMySQLDB creates an empty database on the test MariaDB/MySQL server and
// drops it when the test ends. It returns its mysql:// URL.
func NewMySQLDB(t testing.TB) string {
	t.Helper()
	db, err := sql.Open("mysql", MySQLDSN(t, MySQLURL()))
	if err != nil {
		t.Fatalf("open mysql: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		Unavailable(t, "MySQL/MariaDB", err)
	}
	name := UniqueName("sluicetest")
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("mysql", MySQLDSN(t, MySQLURL()))
		if err == nil {
			_, err = db.Exec("DROP DATABASE IF EXISTS " + name)
			db.Close()
		}
		if err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	return withPath(t, MySQLURL(), name)
}

// MySQLDSN turns a mysql:// URL into a go-sql-driver DSN, for test set-up
// (multiStatements on, so a fixture script runs in one Exec).
func MySQLDSN(t testing.TB, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse %s: %v", raw, err)
	}
	pass, _ := u.User.Password()
	auth := u.User.Username()
	if pass != "" {
		auth += ":" + pass
	}
	return fmt.Sprintf("%s@tcp(%s)/%s?multiStatements=true&parseTime=false", auth, u.Host, strings.TrimPrefix(u.Path, "/"))
}

func withPath(t testing.TB, raw, db string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse %s: %v", raw, err)
	}
	u.Path = "/" + db
	return u.String()
}

// ExecMySQL runs a script (several statements) against a mysql:// URL.
func ExecMySQL(t testing.TB, dbURL, script string) {
	t.Helper()
	db, err := sql.Open("mysql", MySQLDSN(t, dbURL))
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("run script on %s: %v", dbURL, err)
	}
}

// ExecPostgres runs a script (several statements) against a postgres:// URL.
func ExecPostgres(t testing.TB, dbURL, script string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		Unavailable(t, "PostgreSQL", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, script); err != nil {
		t.Fatalf("run script on %s: %v", dbURL, err)
	}
}

// TestData returns the path of a file of the repository's own test data,
// sluicetest/testdata/<rel>, from whichever package's directory the test runs
// in: a clone holds everything its tests read.
func TestData(t testing.TB, rel string) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatalf("locate the test data: no caller information")
	}
	p := filepath.Join(filepath.Dir(file), "testdata", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test data %s: %v", rel, err)
	}
	return p
}
