// Package mysql reads MySQL and MariaDB databases: it introspects a database
// from information_schema and streams its rows by keyset pagination over the
// text protocol, so decimals and dates arrive exactly as stored.
package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice"
)

// Source is one MySQL or MariaDB database, read-only.
type Source struct {
	name     string
	where    string // "source <name> at <redacted URL>", for messages
	database string
	db       *sql.DB
	cfg      *mysql.Config // to open a snapshot's connection and the binlog stream

	mu    sync.Mutex
	types map[string]map[string]sluice.Type // per table, per column; filled by Read
	sets  map[string]charsets               // per table; filled by Read
	exact map[string]bool                   // per character set: exactSet's answer
	wdb   *sql.DB                           // the write pool (freeze, reverse changes); nil until used
	own   *connIDs                          // the ids of the connections it opened
}

var _ sluice.Source = (*Source)(nil)

// Open connects to mysql://user:pass@host:port/database?param=...; name is
// the source's name in the config. A server that cannot be reached gives a
// *sluice.ConnectError.
func Open(ctx context.Context, name, rawURL string) (*Source, error) {
	cfg, err := driverConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open source %s: %w", name, err)
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("open source %s at %s: %w", name, sluice.RedactURL(rawURL), err)
	}
	s := &Source{
		name:     name,
		where:    fmt.Sprintf("source %s at %s", name, sluice.RedactURL(rawURL)),
		database: cfg.DBName,
		own:      &connIDs{},
		cfg:      cfg,
		types:    map[string]map[string]sluice.Type{},
		sets:     map[string]charsets{},
		exact:    map[string]bool{},
	}
	s.db = sql.OpenDB(ownConnector{sessionConnector{connector}, s.own})
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, &sluice.ConnectError{Where: s.where, Err: err}
	}
	return s, nil
}

// Engine is "mysql" for MySQL and MariaDB alike.
func (s *Source) Engine() string { return "mysql" }

// Close releases the connections.
func (s *Source) Close() error {
	s.mu.Lock()
	w := s.wdb
	s.mu.Unlock()
	if w != nil {
		w.Close()
	}
	return s.db.Close()
}

// Count returns the number of rows of table that match where ("" for all).
func (s *Source) Count(ctx context.Context, table, where string) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, countSQL(table, where)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s.%s: %w", s.name, table, classify(err))
	}
	return n, nil
}

// Where names the source and its redacted address (sluice.Addressed).
func (s *Source) Where() string { return s.where }
