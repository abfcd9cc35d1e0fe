package sluice

import (
	"context"
	"encoding/hex"
)

// Source reads one legacy database. Implementations never write to it: the
// sources stay in production while Sluice reads them.
//
// Optional capabilities (change capture, for instance) are separate interfaces
// that a Source may also implement, found by type assertion.
type Source interface {
	// Engine names the engine: "mysql", "postgres", "sqlite" or "csv".
	Engine() string
	// Introspect reads tables, columns, keys, indexes and foreign keys.
	Introspect(ctx context.Context) (*Schema, error)
	// Count returns the number of rows of table that match where, a boolean
	// expression in the engine's SQL dialect ("" counts every row).
	Count(ctx context.Context, table string, where string) (int64, error)
	// Read streams the rows a ReadRequest selects.
	Read(ctx context.Context, req ReadRequest) (RowIter, error)
	// Close releases the connections.
	Close() error
}

// ReadRequest selects one chunk of a table by keyset pagination: the rows whose
// key is greater than After, in key order, at most Limit of them.
type ReadRequest struct {
	Table   string
	Columns []string // the columns to read, in this order
	// Key lists the columns to order and paginate by; it may name the table's
	// RowID pseudo-column. Nil reads the whole table in one pass, unordered.
	Key   []string
	After []any // exclusive lower bound on Key; nil starts at the beginning
	Limit int   // 0 means no limit
	Where string
}

// RowIter streams rows. Values and Key return slices the caller owns: a source
// never reuses them for the next row.
//
// The Go types a source yields, by Kind:
//   - nil for NULL, in every kind;
//   - KindBool: bool, or int64 where the engine stores a flag as a number;
//   - KindInt, KindYear: int64, or uint64 for an unsigned value above MaxInt64;
//   - KindDecimal: string, the exact decimal text;
//   - KindFloat: float64;
//   - KindString, KindText, KindEnum, KindSet, KindJSON: string. From a
//     column whose Column.Charset is set, the source converts the stored
//     bytes to UTF-8 strictly, and yields an Undecodable for a value that
//     does not convert. Otherwise the string holds the bytes as stored,
//     which may be invalid UTF-8 (the cast rejects it, never mangles it);
//   - KindBytes, KindBit: []byte;
//   - KindDate, KindTimestamp, KindTimestampTZ: time.Time in UTC, or a string
//     with the raw text when the engine stores text or the value is not a real
//     date (a MySQL zero date "0000-00-00");
//   - KindTime: string "[-]HHH:MM:SS[.ffffff]";
//   - KindUUID: [16]byte or string;
//   - KindGeometry: Geometry;
//   - KindOther: whatever the driver yields;
//   - Invalid, in every kind: a value the source could not read as its
//     column's type (a CSV field that is not a date), or every value of a
//     record it could not read at all; the row is rejected with its reason.
//
// SQLite may yield int64, float64, string or []byte in any column whatever its
// declared type; the cast decides what converts and rejects the rest.
//
// Key yields the same values as Values, Undecodable included: what the
// ledger records and Read takes back in After, converting a decoded string
// back into its column's character set, and an Undecodable's bytes as they
// are, so that the next chunk starts exactly after it.
type RowIter interface {
	Next() bool
	Values() []any // the requested Columns of the current row
	Key() []any    // the Key columns of the current row
	Err() error
	Close() error
}

// Undecodable is a text value with no exact UTF-8 form: its bytes, in its
// column's character set, hold a sequence that is no character, or a
// character that would not convert back to the same bytes (so that two
// different stored values would become one). A source yields it instead of
// a string; every cast rejects it with Reason, and the reject keeps Bytes.
type Undecodable struct {
	Charset string // the column's character set, as the source names it
	Bytes   []byte // the value as stored
	Reason  string // e.g. "not valid gbk: bytes a380"
}

// String shows the stored bytes in hex, as ValueText shows bytes.
func (u Undecodable) String() string { return "0x" + hex.EncodeToString(u.Bytes) }

// Invalid stands for a value a source could not read: a field of a file
// that does not parse as its declared type, or every value of a malformed
// record (a CSV record with the wrong number of fields, an unterminated
// quote). Unlike a value the cast refuses, the source knows where it is, so
// Reason names it (file and line). The transform rejects the row with Reason
// and Raw, the bytes as read. (An Undecodable is a value that exists, only
// not as UTF-8, and may even be a page key; an Invalid is never a key.)
type Invalid struct {
	Reason string
	Raw    []byte
	Record bool // the whole record is unreadable, not this one value
}

// Geometry is a spatial value as a source yields it: its spatial reference
// system and its well-known binary form without an SRID (OGC/ISO WKB, or
// PostGIS's extended WKB for coordinates with Z or M).
type Geometry struct {
	SRID uint32
	WKB  []byte
}

// Summarizer is a Source that can digest a range of a table's rows on the
// server, without sending them. A rerun of a merge compares a chunk's digest
// with the one recorded when the chunk was loaded and skips the chunk when
// they are equal, so an unchanged table is not read again.
type Summarizer interface {
	Summarize(ctx context.Context, req SummaryRequest) (Summary, error)
}

// SummaryRequest selects the rows the embedded ReadRequest selects (Key is
// required; Limit, when set, takes the first rows after After in key order),
// further bounded by Upto, an inclusive upper bound on Key (nil: none).
type SummaryRequest struct {
	ReadRequest
	Upto []any
}

// Summary digests a set of rows: how many, and a hash of their values that
// does not depend on the order they are read in and changes when any value
// of any Column changes, NULL included. Hashes are comparable only between
// summaries of the same source, table and columns.
type Summary struct {
	Rows int64
	Hash string
}

// KeyChecker is a Source whose engine does not guarantee that a table's
// primary key can be a primary key in PostgreSQL: SQLite lets a primary key
// column hold NULLs, and holds two values of different storage classes (the
// integer 1 and the text '1') apart where PostgreSQL would hold one. The
// migration asks it before the load, for the tables the plan marks
// (plan.Table.BadKeys).
type KeyChecker interface {
	CheckKey(ctx context.Context, req KeyCheck) (KeyReport, error)
}

// KeyCheck asks about the primary key Key of Table, over the rows Where
// selects ("" all).
type KeyCheck struct {
	Table string
	Key   []string // the primary key's columns
	Page  []string // the pagination key (ReadRequest.Key), which names the offending rows
	Where string
	Limit int // at most this many duplicate rows are listed
}

// KeyReport is what KeyChecker found. A row whose key is NULL is seen in
// the row itself; a row whose key another row holds is listed by its Page
// key in DupRows.
type KeyReport struct {
	Nulls      int64    // rows with a NULL in a key column
	Duplicates int64    // rows whose key another row holds, compared as PostgreSQL would
	DupRows    [][]any  // the Page keys of those rows in Page order, at most Limit of them
	DupKeys    []string // the first keys held more than once, as text, for messages
}

// Clean reports a key every row can have.
func (r KeyReport) Clean() bool { return r.Nulls == 0 && r.Duplicates == 0 }

// Locator is a Source that pages a table by something other than its
// primary key (a CSV file, by record number): it finds the page key
// (ReadRequest.Key) of the row whose primary key is Text. Trace uses it to
// name the chunk that loaded a row, which the ledger records by page key.
type Locator interface {
	Locate(ctx context.Context, req LocateRequest) (page []any, found bool, err error)
}

// LocateRequest asks for the row of Table whose Key columns hold the key
// written as KeyText writes it, and for its Page columns' values.
type LocateRequest struct {
	Table string
	Key   []string
	Text  string
	Page  []string
}

// Addressed is a Source that says where it reads from: its name and
// redacted address, for the message of a source that cannot be reached.
type Addressed interface {
	Where() string
}

// WhereOf names the source called name for a message: its redacted address
// when it has one.
func WhereOf(name string, src Source) string {
	if a, ok := src.(Addressed); ok {
		return a.Where()
	}
	return "source " + name
}
