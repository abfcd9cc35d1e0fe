package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/go-sql-driver/mysql"
)

// writeSetup prepares the sessions that may write: the freeze's SET GLOBAL
// and, after a cutover, the reverse stream's changes. The same time zone and
// character set as reading, without READ ONLY.
var writeSetup = []string{
	"SET NAMES utf8mb4",
	"SET SESSION time_zone = '+00:00'",
}

// writeConnector prepares each connection of the write pool.
type writeConnector struct {
	driver.Connector
}

func (c writeConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	execer, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("prepare session: the driver connection cannot execute statements")
	}
	for _, stmt := range writeSetup {
		if _, err := execer.ExecContext(ctx, stmt, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("prepare session (%s): %w", stmt, err)
		}
	}
	return conn, nil
}

// writer is the source's write pool, opened on first use: most runs only
// read, and a source is written to only by a freeze or after a cutover.
func (s *Source) writer() (*sql.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wdb != nil {
		return s.wdb, nil
	}
	cfg := s.cfg.Clone()
	cfg.ClientFoundRows = true // an UPDATE that finds its row counts it, changed or not
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("open a writing session on %s: %w", s.where, err)
	}
	s.wdb = sql.OpenDB(ownConnector{writeConnector{connector}, s.own})
	s.wdb.SetMaxOpenConns(2)
	return s.wdb, nil
}
