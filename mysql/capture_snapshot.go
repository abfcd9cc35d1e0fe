package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/go-sql-driver/mysql"
	"github.com/sluicedb/sluice"
)

// Snapshot opens one connection in a consistent-snapshot transaction
// (START TRANSACTION WITH CONSISTENT SNAPSHOT) and reads, in the same
// transaction, the binlog position it stands at: MariaDB freezes
// binlog_snapshot_file and binlog_snapshot_position at that moment, and
// BINLOG_GTID_POS turns them into the GTID position, so the snapshot holds
// exactly the transactions at or before it.
//
// A MariaDB snapshot belongs to one connection; every query of the
// returned Source runs on it, one at a time (a second Read waits until the
// first is closed). To copy tables in parallel, take one Snapshot per table
// (each at its own position): see docs/ARCHITECTURE.md, "Change capture".
// If the connection is lost, the snapshot is gone: its reads fail rather
// than go on in another, later view.
func (s *Source) Snapshot(ctx context.Context, spec sluice.CaptureSpec) (sluice.Snapshot, error) {
	what := fmt.Sprintf("snapshot %s for capture %q", s.name, spec.Name)
	problems, err := s.CheckCapture(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := problemsError("capture is not possible", problems); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	connector, err := mysql.NewConnector(s.cfg.Clone())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	db := sql.OpenDB(&oneConnector{inner: ownConnector{sessionConnector{connector}, s.own}})
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	pos, err := startSnapshot(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	reader := &Source{name: s.name, where: s.where, database: s.database, db: db, cfg: s.cfg,
		types: map[string]map[string]sluice.Type{}, sets: map[string]charsets{}, exact: map[string]bool{}}
	return &snapshot{Source: reader, pos: pos}, nil
}

func startSnapshot(ctx context.Context, db *sql.DB) (Position, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return Position{}, err
	}
	defer conn.Close() // back to db, still in its transaction
	if _, err := conn.ExecContext(ctx, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"); err != nil {
		return Position{}, fmt.Errorf("start the snapshot: %w", err)
	}
	status := map[string]string{}
	rows, err := conn.QueryContext(ctx, "SHOW STATUS LIKE 'binlog_snapshot_%'")
	if err != nil {
		return Position{}, fmt.Errorf("read the snapshot's binlog position: %w", err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return Position{}, err
		}
		status[k] = v
	}
	if err := rows.Close(); err != nil {
		return Position{}, err
	}
	return snapshotPosition(ctx, conn, status["Binlog_snapshot_file"], status["Binlog_snapshot_position"])
}

func snapshotPosition(ctx context.Context, conn *sql.Conn, file, offset string) (Position, error) {
	off, err := strconv.ParseUint(offset, 10, 64)
	if file == "" || err != nil {
		return Position{}, fmt.Errorf("the server gave no binlog position for the snapshot (file %q, position %q): is log_bin on?", file, offset)
	}
	var gtids sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT BINLOG_GTID_POS(?, ?)", file, off).Scan(&gtids); err != nil {
		return Position{}, fmt.Errorf("read the GTID position of %s:%d: %w", file, off, err)
	}
	if !gtids.Valid {
		return Position{}, fmt.Errorf("BINLOG_GTID_POS(%s, %d) is NULL: the binlog file is gone", file, off)
	}
	p, err := ParsePosition(gtids.String)
	if err != nil {
		return Position{}, err
	}
	p.File, p.Offset = file, off
	return p, nil
}

// oneConnector hands out one connection, once: a snapshot lost with its
// connection cannot be had again.
type oneConnector struct {
	inner driver.Connector
	mu    sync.Mutex
	used  bool
}

func (c *oneConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.used {
		return nil, errors.New("the snapshot's connection was lost, and the snapshot with it: take a new snapshot")
	}
	c.used = true
	return c.inner.Connect(ctx)
}

func (c *oneConnector) Driver() driver.Driver { return c.inner.Driver() }

// snapshot reads through its own Source, on the snapshot's connection.
type snapshot struct {
	sluice.Source
	pos Position
}

func (s *snapshot) Position() sluice.Position { return s.pos }
