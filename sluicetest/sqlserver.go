package sluicetest

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	_ "github.com/microsoft/go-mssqldb" // the SQL Server driver, for set-up on a real server
	"github.com/sluicedb/sluice/sluicetest/tds"
)

//go:embed testdata/chinook/Chinook_SqlServer.sql
var chinookSQLServer string

// ChinookSQLServerScript is the repository's Chinook SQL Server script.
func ChinookSQLServerScript() string { return chinookSQLServer }

// SQLServerURL is the real SQL Server of the env-gated tests,
// SLUICE_TEST_SQLSERVER_URL, or "" when none is set: no SQL Server can run
// on the project's machines, so those tests run only where one is given.
func SQLServerURL() string { return os.Getenv("SLUICE_TEST_SQLSERVER_URL") }

// StartTDS serves databases on a TDS test server on a free local port for
// the test's lifetime and returns a sqlserver:// URL for database db.
func StartTDS(t testing.TB, db string, dbs ...*tds.Database) string {
	t.Helper()
	return TDSURL(StartTDSServer(t, dbs...).Addr(), db)
}

// StartTDSServer serves databases on a TDS test server on a free local
// port until the test ends.
func StartTDSServer(t testing.TB, dbs ...*tds.Database) *tds.Server {
	t.Helper()
	srv := tds.NewServer(dbs...)
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatalf("start the TDS test server: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TDSURL is the URL of database db on a TDS test server at addr (user sa,
// any password; the test server has no TLS).
func TDSURL(addr, db string) string {
	return "sqlserver://sa:test@" + addr + "?database=" + url.QueryEscape(db) + "&encrypt=disable"
}

var (
	chinookOnce sync.Once
	chinookDBs  []*tds.Database
	chinookErr  error
)

// ChinookTDS serves Chinook, as the SQL Server script builds it, on a TDS
// test server and returns its URL. The parsed fixture is shared: the
// server never changes it.
func ChinookTDS(t testing.TB) string {
	t.Helper()
	chinookOnce.Do(func() { chinookDBs, chinookErr = tds.LoadScript(chinookSQLServer) })
	if chinookErr != nil {
		t.Fatalf("load the Chinook SQL Server script: %v", chinookErr)
	}
	return StartTDS(t, "Chinook", chinookDBs...)
}

// SQLServerFixture builds a fixture script's databases and returns a URL
// of the first: on the real SQL Server of SLUICE_TEST_SQLSERVER_URL when
// it is set (each database renamed uniquely and dropped after the test),
// else on a TDS test server.
func SQLServerFixture(t testing.TB, script string) string {
	t.Helper()
	if SQLServerURL() != "" {
		return RealSQLServerFixture(t, script)
	}
	dbs, err := tds.LoadScript(script)
	if err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	return StartTDS(t, dbs[0].Name, dbs...)
}

var createDatabase = regexp.MustCompile(`(?i)CREATE\s+DATABASE\s+\[?([A-Za-z0-9_]+)\]?`)

// RealSQLServerFixture runs a fixture script on the real SQL Server of
// SLUICE_TEST_SQLSERVER_URL, batch by batch, with every database it creates
// renamed to a unique name, dropped when the test ends. It returns the URL
// of the first database.
func RealSQLServerFixture(t testing.TB, script string) string {
	t.Helper()
	base := SQLServerURL()
	db, err := sql.Open("sqlserver", base)
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	t.Cleanup(func() { db.Close() })
	var names []string
	for _, m := range createDatabase.FindAllStringSubmatch(script, -1) {
		names = append(names, m[1])
	}
	if len(names) == 0 {
		t.Fatal("fixture script creates no database")
	}
	for _, n := range names {
		unique := UniqueName("sluice_" + strings.ToLower(n))
		script = regexp.MustCompile(`\[`+n+`\]|\b`+n+`\b`).ReplaceAllString(script, "["+unique+"]")
		t.Cleanup(func() { dropSQLServerDB(db, unique) })
		if n == names[0] {
			names[0] = unique
		}
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		Unavailable(t, "SQL Server at SLUICE_TEST_SQLSERVER_URL", err)
	}
	defer conn.Close()
	for i, batch := range splitGO(script) {
		if strings.TrimSpace(batch) == "" {
			continue
		}
		if _, err := conn.ExecContext(context.Background(), batch); err != nil {
			t.Fatalf("fixture batch %d: %v", i+1, err)
		}
	}
	return withDatabase(base, names[0])
}

var goBatch = regexp.MustCompile(`(?im)^[ \t]*GO[ \t]*\r?$`)

func splitGO(script string) []string { return goBatch.Split(script, -1) }

func dropSQLServerDB(db *sql.DB, name string) {
	q := fmt.Sprintf("IF DB_ID('%s') IS NOT NULL BEGIN ALTER DATABASE [%s] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [%s]; END", name, name, name)
	db.Exec(q)
}

func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("database", name)
	u.RawQuery = q.Encode()
	return u.String()
}
