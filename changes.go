package sluice

import (
	"context"
	"time"
)

// ChangeSource is a Source that can also capture the changes made to its
// tables from the engine's own log (PostgreSQL logical decoding, the
// MySQL/MariaDB row-based binlog), found by type assertion:
//
//	cs, ok := src.(sluice.ChangeSource)
//
// The use it is made for: Snapshot once (PostgreSQL: for every table; MariaDB:
// per table, see Snapshot), copy each table through the Snapshot (it is a
// Source), note each table's snapshot Position, then read Changes from the
// earliest of them. A transaction applies to a table only when its Position
// is after that table's snapshot position; each transaction's Position is
// committed on the target with its rows, and only then given to Ack.
type ChangeSource interface {
	Source
	// CheckCapture reports what the server, its configuration or the
	// role lacks for capturing spec, each with its fix; none means ready.
	// The error is for a check that could not run (a lost connection).
	CheckCapture(ctx context.Context, spec CaptureSpec) ([]CaptureProblem, error)
	// Snapshot prepares capture (PostgreSQL: the publication and the
	// replication slot, created on first use) and opens a read-only view
	// of the tables consistent with a position of the change stream: a
	// transaction is visible in the snapshot exactly when its Position is
	// at or before the snapshot's. Read the copy through it, and Close it
	// when the copy is done.
	Snapshot(ctx context.Context, spec CaptureSpec) (Snapshot, error)
	// Changes streams the transactions of spec's tables that commit after
	// from, in commit order. A nil from starts where the source last
	// confirmed (PostgreSQL: the slot's confirmed position), which only
	// PostgreSQL keeps.
	Changes(ctx context.Context, spec CaptureSpec, from Position) (ChangeStream, error)
	// ParsePosition reads a Position back from its String.
	ParsePosition(text string) (Position, error)
	// CaptureStatus tells how far the source is ahead of applied (nil: of
	// the position the source last confirmed) and what capture retains.
	CaptureStatus(ctx context.Context, spec CaptureSpec, applied Position) (CaptureStatus, error)
	// DropCapture removes what capture created on the source (PostgreSQL:
	// the slot and the publication); nothing is left to drop on MariaDB.
	// Dropping what does not exist is not an error.
	DropCapture(ctx context.Context, spec CaptureSpec) error
}

// CaptureSpec says what to capture.
type CaptureSpec struct {
	// Name identifies the capture on the source, usually the migration's
	// name: PostgreSQL names its replication slot and publication after it.
	// Any text; each engine derives identifier-safe names from it.
	Name string
	// Tables are the tables to capture, as Introspect names them; changes
	// to other tables are not delivered.
	Tables []string
	// Columns are the columns of Tables as the reader of the stream knows
	// them (the introspection its mapping was compiled from). The stream
	// decodes rows by these and reports any difference the log shows as a
	// ChangeSchema, so a column added between that introspection and the
	// stream's start is not missed. A table without an entry is
	// introspected when the stream starts.
	Columns map[string][]Column
	// ReplicaIdentityFull is the user's consent to set REPLICA IDENTITY
	// FULL on the PostgreSQL tables of Tables that have no primary key or
	// replica identity index. Without it such tables are refused: in a
	// publication, a table without a replica identity makes every UPDATE
	// and DELETE on it fail on the source.
	ReplicaIdentityFull bool
	// ServerID is the replica server id the MariaDB/MySQL stream presents;
	// it must differ from every other server and replica of the source.
	// 0 picks a default derived from Name.
	ServerID uint32
	// Slot names the PostgreSQL replication slot and publication as they
	// are (lower-case letters, digits and _, at most 63); "" derives them
	// from Name.
	Slot string
}

// CaptureProblem is one thing capture needs and does not have.
type CaptureProblem struct {
	Check string // what was checked: "wal_level", "binlog_format", "privilege REPLICATION", "table t: replica identity"
	Found string // what the source has
	Fix   string // what to change, exactly
	// Warning marks advice that does not stop capture (a binlog kept for
	// less than a day).
	Warning bool
}

// Position is a point in a source's change stream: a PostgreSQL LSN, a
// MariaDB GTID position. String is its stored form (ParsePosition reads
// it back); Compare orders two positions of the same source and fails on
// positions that are not of the same kind or cannot be ordered.
type Position interface {
	String() string
	Compare(other Position) (int, error)
}

// Snapshot is a consistent, read-only view of a source at a Position of its
// change stream; its Source methods read as of that position, and Close ends
// it. Position and the stream meet without gap or overlap: a transaction is
// in the snapshot exactly when its Position is at or before Position().
type Snapshot interface {
	Source
	Position() Position
}

// ChangeStream delivers transactions in commit order, one Change at a time:
// a Begin, the row and schema changes, a Commit; and Heartbeats between
// transactions. A transaction is never held in memory whole.
type ChangeStream interface {
	// Next returns the next change, waiting for one until ctx ends. An
	// error ends the stream; a *TransientError (lost connection, server
	// restart) means a new stream from the last committed position may
	// succeed.
	Next(ctx context.Context) (Change, error)
	// Ack tells the source that everything up to p (a Commit's or a
	// Heartbeat's Position) is committed on the target, so the source
	// may let go of it. Never Ack a position before its rows are
	// committed: the source may then discard what a restart needs.
	Ack(ctx context.Context, p Position) error
	Close() error
}

// ChangeKind says what a Change is.
type ChangeKind uint8

// The kinds of Change.
const (
	// ChangeBegin starts a transaction: TxID, Time and Position are set.
	ChangeBegin ChangeKind = iota + 1
	// ChangeInsert: After is the new row.
	ChangeInsert
	// ChangeUpdate: After is the new row; Before is the old one, or nil
	// when the source sends none (PostgreSQL, when the key did not change).
	ChangeUpdate
	// ChangeDelete: Before is the old row.
	ChangeDelete
	// ChangeTruncate: every row of Table is gone.
	ChangeTruncate
	// ChangeSchema: Table's definition changed; Columns is how its rows
	// are laid out from now on (nil when the table is gone or its rows
	// cannot be read any more), Detail says what changed.
	ChangeSchema
	// ChangeCommit ends a transaction: record Position with its rows.
	ChangeCommit
	// ChangeHeartbeat: nothing to deliver up to Position. Between
	// transactions only; once everything before it is committed, Position
	// may be recorded and acknowledged like a Commit's.
	ChangeHeartbeat
)

var changeKindNames = [...]string{"", "begin", "insert", "update", "delete", "truncate", "schema", "commit", "heartbeat"}

func (k ChangeKind) String() string {
	if int(k) < len(changeKindNames) {
		return changeKindNames[k]
	}
	return "unknown"
}

// Change is one event of a ChangeStream.
//
// Row images hold one value per column of the table, in the table's column
// order (Introspect's, or the Columns of the table's last ChangeSchema), of
// the Go types a RowIter yields for each Kind, so the same transform applies
// to copied and streamed rows. A column whose value the source did not send
// holds Unchanged{}: a PostgreSQL TOASTed value that an UPDATE left alone, the
// non-key columns of a key-only old image, a generated column. The caller
// owns the slices.
type Change struct {
	Kind    ChangeKind
	Table   string
	Before  []any
	After   []any
	Columns []Column // ChangeSchema
	Detail  string   // ChangeSchema: what changed (the DDL statement on MariaDB)
	// TxID names the transaction (PostgreSQL xid, MariaDB GTID); Time is
	// its time as the source records it. Both on Begin and Commit.
	TxID string
	Time time.Time
	// Position is the transaction's position, the same on its Begin and
	// Commit, or a Heartbeat's.
	Position Position
}

// Unchanged stands for a column value the source did not send: the target
// keeps the value it has.
type Unchanged struct{}

// CaptureStatus is how far a source's change stream is ahead.
type CaptureStatus struct {
	// Head is the source's current end of log.
	Head Position
	// Confirmed is the position the source last had acknowledged, where it
	// keeps one (PostgreSQL); nil otherwise.
	Confirmed Position
	// BehindBytes is the log between the applied position and Head; -1
	// when the source cannot tell.
	BehindBytes int64
	// RetainedBytes is the log the source keeps for capture (PostgreSQL:
	// the WAL the slot holds back); -1 when it does not apply.
	RetainedBytes int64
	// HeadTime is when the transaction at Head committed, AppliedTime when
	// the one at the applied position did, where the source records it
	// (SQL Server's cdc.lsn_time_mapping); zero otherwise. Their difference
	// is the lag in time.
	HeadTime, AppliedTime time.Time
}
