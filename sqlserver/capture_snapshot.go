package sqlserver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"sync"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/sluicedb/sluice"
)

// Snapshot opens a view of the tables for the copy and the position the
// stream starts after. SQL Server exports no snapshot, and its change
// tables are filled by the capture job after the fact, so the two meet
// without a gap but, for a few transactions, with an overlap:
//
//   - Under SNAPSHOT isolation (ALLOW_SNAPSHOT_ISOLATION ON), one
//     connection opens a snapshot transaction, and the first thing it
//     reads is sys.fn_cdc_get_max_lsn(): cdc.lsn_time_mapping as of the
//     snapshot. Every transaction at or before that position is in the
//     copy; every transaction after it is streamed. A transaction that
//     committed before the snapshot but that the capture job harvested
//     only after it (its latency, seconds) is in the copy and streamed
//     too.
//   - Otherwise the position is read first and the copy runs under READ
//     COMMITTED: every change made during the copy is streamed, and may
//     be in the copy already.
//
// Either way nothing is missed, and what is delivered twice is a change
// the target already has: applied by key (insert as upsert, delete if
// present) it changes nothing. docs/ARCHITECTURE.md says the same.
//
// The position is also at or after the start of every capture instance of
// spec's tables, so a stream from it never reaches back before one.
//
// With Change Tracking (capture_tracking.go) the position is
// CHANGE_TRACKING_CURRENT_VERSION(), read the same way; Change Tracking
// is written with each transaction, not after it, so under SNAPSHOT
// isolation the copy and the version agree exactly.
func (s *Source) Snapshot(ctx context.Context, spec sluice.CaptureSpec) (sluice.Snapshot, error) {
	what := fmt.Sprintf("snapshot %s for capture %q", s.name, spec.Name)
	problems, err := s.CheckCapture(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := problemsError("capture is not possible", problems); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if _, err := s.Introspect(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	mode, err := s.captureMode(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	if !s.snapshot {
		pos, err := s.startPosition(ctx, s.db, spec, mode)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, classify(err))
		}
		return &snapshot{Source: &sharedSource{s}, pos: pos}, nil
	}
	snap, err := s.openSnapshot(ctx, spec, mode)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, classify(err))
	}
	return snap, nil
}

// openSnapshot begins a snapshot transaction on a connection of its own
// and reads the start position in it.
func (s *Source) openSnapshot(ctx context.Context, spec sluice.CaptureSpec, mode captureMode) (*snapshot, error) {
	conn, err := mssql.NewConnector(s.dsn)
	if err != nil {
		return nil, err
	}
	conn.SessionInitSQL = "SET TRANSACTION ISOLATION LEVEL SNAPSHOT; SET TEXTSIZE 2147483647"
	db := sql.OpenDB(&oneConnector{inner: conn})
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	if _, err := db.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		db.Close()
		return nil, fmt.Errorf("begin the snapshot transaction: %w", err)
	}
	pos, err := s.startPosition(ctx, db, spec, mode)
	if err != nil {
		db.Close()
		return nil, err
	}
	reader := &Source{name: s.name, database: s.database, schemas: s.schemas, dsn: s.dsn, db: db, snapshot: true}
	s.mu.Lock()
	reader.tables = maps.Clone(s.tables)
	s.mu.Unlock()
	return &snapshot{Source: reader, pos: pos}, nil
}

// startPosition is where the stream starts as db reads it: the Change
// Tracking version, or cdcStartPosition.
func (s *Source) startPosition(ctx context.Context, db *sql.DB, spec sluice.CaptureSpec, mode captureMode) (sluice.Position, error) {
	if mode == modeTracking {
		return trackingVersion(ctx, db)
	}
	return s.cdcStartPosition(ctx, db, spec)
}

// cdcStartPosition is sys.fn_cdc_get_max_lsn() as db reads it, moved up to
// the start of any capture instance of spec's tables that begins after it
// (an instance created since the last harvested transaction; every
// transaction before its start committed before this read).
func (s *Source) cdcStartPosition(ctx context.Context, db *sql.DB, spec sluice.CaptureSpec) (Position, error) {
	var raw []byte
	if err := db.QueryRowContext(ctx, "SELECT sys.fn_cdc_get_max_lsn()").Scan(&raw); err != nil {
		return Position{}, fmt.Errorf("read the maximum LSN: %w", err)
	}
	var pos Position
	if raw != nil {
		lsn, err := lsnOf(raw)
		if err != nil {
			return Position{}, fmt.Errorf("read the maximum LSN: %w", err)
		}
		pos = wholeTx(lsn)
	} else {
		pos.Seq = allSeq
	}
	instances, err := s.specInstances(ctx, spec)
	if err != nil {
		return Position{}, err
	}
	for _, ci := range instances {
		if start := wholeTx(ci.startLSN); string(start.LSN[:]) > string(pos.LSN[:]) {
			pos = start
		}
	}
	return pos, nil
}

// snapshot reads through its own Source, on the snapshot's connection
// when there is one.
type snapshot struct {
	sluice.Source
	pos sluice.Position
}

func (s *snapshot) Position() sluice.Position { return s.pos }

// sharedSource is the source itself as a snapshot's reader: Close leaves
// the source open.
type sharedSource struct{ *Source }

func (sharedSource) Close() error { return nil }

// oneConnector hands out one connection, once: a snapshot lost with its
// connection cannot be had again. Its connection is never reset when the
// pool hands it out again (go-mssqldb would reset the session, and that
// ends the snapshot transaction).
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
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &keptConn{conn: conn}, nil
}

func (c *oneConnector) Driver() driver.Driver { return c.inner.Driver() }

// keptConn is a driver connection without driver.SessionResetter and
// driver.Validator: the pool keeps its session as it is.
type keptConn struct{ conn driver.Conn }

func (k *keptConn) Prepare(query string) (driver.Stmt, error) { return k.conn.Prepare(query) }
func (k *keptConn) Close() error                              { return k.conn.Close() }
func (k *keptConn) Begin() (driver.Tx, error) {
	return nil, errors.New("a snapshot's connection is already in its transaction")
}

func (k *keptConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return k.conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (k *keptConn) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := k.conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
