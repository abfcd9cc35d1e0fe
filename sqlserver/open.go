package sqlserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/sluicedb/sluice"
)

// Source reads one SQL Server database: every schema, or those the URL's
// schema= parameter lists.
type Source struct {
	name     string
	database string
	schemas  []string // empty: every schema
	dsn      string   // the driver's connection string, for a snapshot's own connection
	db       *sql.DB
	snapshot bool

	mu     sync.Mutex
	tables map[string]*tableInfo // by Sluice table name
}

var _ sluice.Source = (*Source)(nil)

// tableInfo is what reads need of a table: where it is and its columns.
type tableInfo struct {
	schema, name string
	objectID     int64
	columns      []columnInfo
	key          []string // the primary key's columns; nil when none
}

// Open connects to a sqlserver:// URL:
//
//	sqlserver://user:password@host:1433?database=Clinical[&schema=dbo,billing]
//
// Other query parameters go to the driver (encrypt, TrustServerCertificate,
// ...). Every session asks for ApplicationIntent=ReadOnly and sets its
// isolation level: SNAPSHOT when the database allows it, else READ
// COMMITTED. An unreachable server is a *sluice.ConnectError that names
// the redacted URL.
func Open(ctx context.Context, name, rawURL string) (*Source, error) {
	dsn, schemas, err := ParseURL(rawURL)
	if err != nil {
		return nil, connectError(name, rawURL, err)
	}
	s := &Source{name: name, schemas: schemas, dsn: dsn, tables: map[string]*tableInfo{}}
	probe, err := s.connect(dsn, "")
	if err != nil {
		return nil, connectError(name, rawURL, err)
	}
	s.database, s.snapshot, err = probeDatabase(ctx, probe)
	probe.Close()
	if err != nil {
		return nil, connectError(name, rawURL, err)
	}
	level := "READ COMMITTED"
	if s.snapshot {
		level = "SNAPSHOT"
	}
	if s.db, err = s.connect(dsn, "SET TRANSACTION ISOLATION LEVEL "+level+"; SET TEXTSIZE 2147483647"); err != nil {
		return nil, connectError(name, rawURL, err)
	}
	return s, nil
}

// connect opens a pool whose every session first runs init.
func (s *Source) connect(dsn, init string) (*sql.DB, error) {
	conn, err := mssql.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	conn.SessionInitSQL = init
	return sql.OpenDB(conn), nil
}

// probeDatabase reads the database's name and whether it allows snapshot
// isolation.
func probeDatabase(ctx context.Context, db *sql.DB) (string, bool, error) {
	var name string
	var state int64
	err := db.QueryRowContext(ctx,
		"SELECT name, CAST(snapshot_isolation_state AS int) FROM sys.databases WHERE name = DB_NAME()").Scan(&name, &state)
	if err != nil {
		return "", false, fmt.Errorf("read the database's settings: %w", err)
	}
	return name, state == 1, nil
}

// ParseURL checks a sqlserver:// URL and returns the driver's connection
// string (with read-only intent and Sluice's application name) and the
// schemas to read (nil: all).
func ParseURL(rawURL string) (string, []string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", nil, errors.New("parse the URL: it is not a valid URL")
	}
	if u.Scheme != "sqlserver" {
		return "", nil, fmt.Errorf("parse the URL: scheme %q, want sqlserver://", u.Scheme)
	}
	q := u.Query()
	if q.Get("database") == "" {
		return "", nil, errors.New("parse the URL: database= is required (sqlserver://user:pass@host:1433?database=NAME)")
	}
	var schemas []string
	if q.Has("schema") {
		for _, s := range strings.Split(q.Get("schema"), ",") {
			if s = strings.TrimSpace(s); s == "" {
				return "", nil, errors.New("parse the URL: schema= has an empty name")
			}
			schemas = append(schemas, s)
		}
	}
	q.Del("schema")
	q.Set("ApplicationIntent", "ReadOnly")
	if q.Get("app name") == "" {
		q.Set("app name", "sluice")
	}
	u.RawQuery = q.Encode()
	return u.String(), schemas, nil
}

// connectError names the source and its redacted URL, and scrubs the
// password from the cause's text.
func connectError(name, rawURL string, err error) error {
	where := fmt.Sprintf("source %s (%s)", name, sluice.RedactURL(rawURL))
	if u, perr := url.Parse(rawURL); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), pw) {
			err = errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
		}
	}
	return &sluice.ConnectError{Where: where, Err: err}
}

// Engine returns "sqlserver".
func (s *Source) Engine() string { return "sqlserver" }

// SnapshotIsolation reports whether reads run under SNAPSHOT isolation.
func (s *Source) SnapshotIsolation() bool { return s.snapshot }

// Close releases the connections.
func (s *Source) Close() error { return s.db.Close() }
