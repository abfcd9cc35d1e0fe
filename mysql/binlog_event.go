package mysql

// binlogEvent is one event of the binlog, taken apart by binlog_vitess.go
// as far as its type needs.
type binlogEvent struct {
	Type      byte
	Timestamp uint32
	NextPos   uint64 // where the next event starts in this file; 0 for an artificial event

	GTID       gtid // GTID events
	Standalone bool // a GTID event whose group has no BEGIN/COMMIT (DDL)

	Query, QueryDB string // QUERY events: the statement and its default database

	NextFile  string // ROTATE events
	RotatePos uint64

	TableID uint64    // TABLE_MAP and ROWS events
	Map     *tableMap // TABLE_MAP events
	Rows    []rowPair // ROWS events, one per row
}

// tableMap is a TABLE_MAP event: the table an id stands for and its
// columns' binlog types and metadata (never their names).
type tableMap struct {
	Database, Name string
	Types          []byte
	Meta           []uint16
}

// rowPair is one row of a ROWS event: Before for updates and deletes,
// After for inserts and updates.
type rowPair struct {
	Before, After *rowImage
}

// rowImage is one image of a row: which columns it holds, which of them
// are NULL, and the packed values of the others, in column order.
type rowImage struct {
	Present []bool
	Null    []bool
	Data    []byte
}

// The binlog event types this package knows (MySQL's and MariaDB's
// numbering); every other type stops a stream.
const (
	evQuery             = 2
	evStop              = 3
	evRotate            = 4
	evIntVar            = 5
	evRand              = 13
	evUserVar           = 14
	evFormatDescription = 15
	evXID               = 16
	evTableMap          = 19
	evWriteRowsV1       = 23
	evUpdateRowsV1      = 24
	evDeleteRowsV1      = 25
	evIncident          = 26
	evHeartbeat         = 27
	evWriteRowsV2       = 30
	evUpdateRowsV2      = 31
	evDeleteRowsV2      = 32
	evMariaAnnotateRows = 160
	evMariaCheckpoint   = 161
	evMariaGTID         = 162
	evMariaGTIDList     = 163
	evMariaStartEncrypt = 164
	evMariaQueryZip     = 165 // 165..171: MariaDB's compressed events (log_bin_compress)
	evMariaDeleteRowsZ  = 171
)
