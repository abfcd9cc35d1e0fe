// Package plan turns the source schemas and the config into what will happen
// on the target: the target tables and their columns, how each value is
// produced, the DDL, the load order, chunk estimates and warnings.
//
// It is pure: it never touches a database, and its output is golden-tested.
package plan

import (
	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

// Plan is the whole migration, in load order.
type Plan struct {
	Schema    string    // the target schema
	Namespace uuid.UUID // UUIDv5 namespace of row keys
	Tables    []*Table  // parents before children where foreign keys allow
	Warnings  []Warning
	// Databases lists the target databases in config order with their
	// schemas; every Table names one of them.
	Databases []Database
	// Drift reports, for each target table fed by several source tables, how
	// the sources differ and how the plan settles it.
	Drift []Drift
	// Losses lists what of the sources the target will not reproduce, so
	// that a DBA reads in one place what a migration leaves behind.
	Losses []Loss
	// Views are the source views created on the target after every table
	// is loaded (and dropped first on every run, so tables can be rebuilt).
	Views []View
}

// View is a source view whose query translates into PostgreSQL over the
// target tables.
type View struct {
	Source   string   // the source's name
	Name     string   // the view's name in the source
	Target   string   // the view's name on the target
	Database string   // the target database
	Schema   string   // the target schema
	Query    string   // its SELECT, in PostgreSQL
	Tables   []string // IDs of the tables it reads
}

// Loss is an object of a source (a view, a trigger, a procedure) or an
// attribute of a table or column (a default, a CHECK constraint, an index)
// that the target will not have as the source has it.
type Loss struct {
	Source string // the source's name
	Table  string // the source table; "" for an object of the whole database
	What   string // e.g. "trigger trg_audit", "column Notes: default newid()"
	Why    string // why, and what to do about it
}

// Database is one target database of the plan.
type Database struct {
	Name   string // config.Target.Name
	Schema string
}

// Drift is the schema drift between the source tables feeding one target table.
type Drift struct {
	Table    string         // target table
	Database string         // target database name
	Missing  []MissingDrift // columns some sources lack
	Types    []TypeDrift    // columns whose sources map to different types
	Unused   []UnusedDrift  // source columns no mapping uses (dropped)
}

// MissingDrift is a target column a source table lacks, and what fills it.
type MissingDrift struct {
	Column string
	Source string  // the table ID ("<source>.<table>") that lacks it
	Fill   *string // the fill value; nil is NULL
}

// TypeDrift is a target column whose sources map to different types.
type TypeDrift struct {
	Column   string
	Types    map[string]string // table ID -> the type its column maps to
	Resolved string            // the target column's type
	Why      string            // how it was chosen, e.g. "widest integer"
}

// UnusedDrift is a source column that no target column is made from.
type UnusedDrift struct {
	Source string // table ID
	Column string
}

// Warning is something the user should read before migrating: a narrowing
// cast, a table without a key, a foreign key cycle, an unknown type.
type Warning struct {
	Table   string // "<source>.<table>", or "" for the whole plan
	Message string
}

// Table is one source table and the target table it loads into.
type Table struct {
	ID          string // "<source>.<table>": the unit of the chunk ledger
	Source      string
	Engine      string
	SourceTable string
	Name        string // the target table
	Columns     []Column
	PrimaryKey  []string // target column names; nil when the table has none
	Indexes     []Index  // unique constraints and indexes, target column names
	ForeignKeys []ForeignKey
	Checks      []Check    // CHECK constraints, created with the table
	Comment     string     // the source table's comment
	EnumTypes   []EnumType // the enum types its columns use (enums: type), created before it

	// How the table is read.
	ReadColumns []string        // source columns, in the order rows are read
	ReadSchema  []sluice.Column // the columns read as the source describes them, for expressions
	Key         []string        // keyset pagination columns (may be the row id); nil reads one chunk
	Where       string          // row filter in the source dialect
	ChunkRows   int
	// ChunkBytes ends a chunk before ChunkRows once its rows' values pass
	// this many bytes (see sluice.ValueSize), so memory is bounded whatever
	// the row width.
	ChunkBytes int64
	// Dialect is how the source reads the table where that is configured
	// (a CSV file: its path, encoding, delimiter, formats); part of Hash.
	Dialect string

	Keys string // config.KeysUUID or config.KeysKeep
	// BadKeys is set where the source engine does not guarantee that the
	// primary key can be one in PostgreSQL (SQLite): migrate asks the source
	// before the load, and config.BadKeysReject rejects the rows that cannot
	// have the key while config.BadKeysLoad loads every row without it.
	// "" where the engine enforces the key.
	BadKeys   string
	Strategy  string   // a config.Strategy* constant
	DependsOn []string // IDs of tables that must be loaded first: the parts of a table merged on match_on that a ResolveMatch column references
	Rows      int64    // the source's estimate
	RowBytes  int64    // the source's estimate of a row's size; 0 when it has none
	Chunks    int      // estimated chunk count

	Database      string // the target database (Database.Name)
	Schema        string // the target schema in that database
	DeleteMissing bool   // merge, append: delete rows Sluice loaded whose source row is gone
	// Uncapturable is set on a PostgreSQL table without a primary key whose
	// source does not consent to REPLICA IDENTITY FULL: its changes cannot
	// be captured, so sync reruns it (SyncRerun).
	Uncapturable bool
	// Merged is set on each source table that feeds a target table with
	// others; the tables of one merged target share the pointer and have the
	// same target columns, in the same order, of the same types.
	Merged *Merged
	// Expansion is set on a child table made by expand: each source row of
	// SourceTable yields zero or more rows.
	Expansion *Expansion
	// Rollback says whether the table's changes can flow back to its
	// source after a cutover.
	Rollback Rollback
}

// Merged is a target table fed by several source tables.
type Merged struct {
	Table        string   // target table
	Parts        []string // IDs of the tables that feed it, in from order
	MatchOn      []string // target columns of the natural key; nil keeps every source row apart
	Conflict     string   // a config.Conflict* constant
	Prefer       []string // source names, best first (the from order unless prefer: says)
	Latest       string   // config.ConflictLatest: the target column compared
	SourceColumn string   // target column recording each row's source
	LegacyColumn string   // target column recording the source row's legacy key (text)
	// NewRows is the source that rows inserted on the target after a
	// cutover are written back to; "" refuses them.
	NewRows string
}

// Expansion says how a child table's rows come from one source row.
type Expansion struct {
	Parent    string // ID of the table whose rows expand ("<source>.<table>")
	Kind      string // a config.Expand* constant
	Column    string // the source column expanded
	Separator string // config.ExpandList
}

// HashColumn holds, in a table loaded with merge or append, the hash of the
// row's content as Sluice last wrote it: a rerun compares it and does not
// write a row whose content did not change.
const HashColumn = "sluice_row_hash"

// Role says how a target column's value is produced.
type Role string

const (
	// RoleValue casts one source column (Source) into the target type.
	RoleValue Role = "value"
	// RoleRowUUID is the row's identity: KeyUUID over KeyColumns of this
	// table, or of the root table a subtype takes its identity from.
	RoleRowUUID Role = "row_uuid"
	// RoleRefUUID is a rewritten foreign key: KeyUUID over KeyColumns (the
	// foreign key's source columns) as the identity of a RefSource.RefTable row.
	RoleRefUUID Role = "ref_uuid"
	// RoleLegacyKey keeps the legacy key: the value of the single KeyColumns
	// column cast to Type, or KeyText of a composite key.
	RoleLegacyKey Role = "legacy_key"
	// RoleComputed is the value of Expr over the source row, cast to Type.
	RoleComputed Role = "computed"
	// RoleFill is a column of a merged target table this source lacks: the
	// constant Default cast to Type, or NULL.
	RoleFill Role = "fill"
	// RoleSource is the lineage column of a merged target table: the name of
	// the row's source (Table.Source).
	RoleSource Role = "source"
	// RoleMatchUUID is the row identity of a table merged on a natural key:
	// KeyUUID(namespace, "match", <target table>, values of the target
	// columns KeyColumns), the same whichever source the row comes from.
	RoleMatchUUID Role = "match_uuid"
	// RoleRowHash is HashColumn: the hash of every other column's value.
	RoleRowHash Role = "row_hash"
	// RoleExpandUUID is a child row's identity: KeyUUID(namespace, source,
	// <source table>#<child table>, parent key values..., ordinal).
	RoleExpandUUID Role = "expand_uuid"
	// RoleOrdinal is a child row's position among its parent's, 1..n.
	RoleOrdinal Role = "ordinal"
	// RoleElement is a child row's element of the expanded list or array.
	RoleElement Role = "element"
)

// Column is one target column.
type Column struct {
	Name       string // target name
	Type       string // PostgreSQL type as written in DDL, e.g. "varchar(50)"
	NotNull    bool
	Role       Role
	Source     string      // RoleValue: the source column
	SourceType sluice.Type // RoleValue and every single-column key role: its source type
	KeyColumns []string    // RoleRowUUID, RoleRefUUID, RoleLegacyKey: source columns
	RefSource  string      // RoleRefUUID: the referenced table's source
	RefTable   string      // RoleRefUUID: the referenced source table
	Default    *string     // used where the source value is NULL, cast to Type; RoleFill: the constant
	ZeroDates  string      // config.ZeroDatesReject or config.ZeroDatesNull
	Expr       string      // RoleComputed: the expression
	// ResolveMatch is set on a RoleRefUUID column whose referenced table is
	// merged on a natural key: the value computed from the legacy key is
	// looked up in sluice.legacy_keys at load time and replaced by the
	// matched row's identity.
	ResolveMatch bool
	// IdentitySource and IdentityTable are set on a RoleRowUUID or
	// RoleRefUUID column whose rows take another table's identity: the root
	// of a chain of tables whose primary key is a foreign key to the next
	// one's (a subtype table, such as patient -> person). Its KeyColumns are
	// then in the order of the root's primary key. See Identity.
	IdentitySource string
	IdentityTable  string
	// SQLDefault is the column's DEFAULT in the target DDL, for the rows the
	// application inserts: the source's default translated into PostgreSQL,
	// or gen_random_uuid() for a row uuid; "" for none. (Default is the
	// config's value for a NULL source value, which Sluice writes itself.)
	SQLDefault string
	// AutoIncrement makes the column GENERATED BY DEFAULT AS IDENTITY: the
	// source numbers it itself (AUTO_INCREMENT, serial or identity, SQLite's
	// INTEGER PRIMARY KEY). After every load its sequence is moved past the
	// highest value, so the application's next insert gets a fresh number.
	AutoIncrement bool
	// IdentityNext is the source counter's next number
	// (sluice.Column.IdentityNext) for an AutoIncrement column: the sequence
	// is moved at least that far, so that no number the source handed out
	// before a cutover is handed out again. 0: the highest value decides.
	IdentityNext int64
	Comment      string // the source column's comment
	// EnumType is the enum type (Table.EnumTypes) that Type names, for an
	// ENUM column under enums: type; "" otherwise.
	EnumType string
}

// Identity names the source table whose identity a RoleRowUUID or
// RoleRefUUID column of t holds, as KeyUUID takes it: the root of a subtype
// chain when IdentityTable is set, else the referenced table (RoleRefUUID)
// or t itself (RoleRowUUID).
func (c *Column) Identity(t *Table) (source, table string) {
	switch {
	case c.IdentityTable != "":
		return c.IdentitySource, c.IdentityTable
	case c.Role == RoleRefUUID:
		return or(c.RefSource, t.Source), c.RefTable
	}
	return t.Source, t.SourceTable
}

// Check is a CHECK constraint of a target table.
type Check struct {
	Name string
	Expr string // a PostgreSQL condition on the target columns
}

// EnumType is a PostgreSQL enum type made for an ENUM column.
type EnumType struct {
	Name   string // in the table's schema
	Values []string
}

// Index is a unique constraint or an index on target columns.
type Index struct {
	Name    string
	Columns []string // the target columns it covers (also those of Expr)
	Unique  bool
	// Method is the access method (hash, gin, gist, ...); "" is a B-tree.
	Method string
	// Expr, when set, is written in place of Columns: the key parts as
	// PostgreSQL expressions (a GIN index's to_tsvector(...), a prefix
	// index's left(...)).
	Expr string
	// Where is a partial index's condition, in PostgreSQL.
	Where string
	// Source names the source index this one carries over; "" for one
	// the plan or the config adds.
	Source string
}

// constraint reports whether the index can become a primary key or unique
// constraint: a unique B-tree on plain columns of every row.
func (ix Index) constraint() bool {
	return ix.Unique && ix.Expr == "" && ix.Where == "" && (ix.Method == "" || ix.Method == "btree")
}

// ForeignKey is a constraint between target tables, added after the data
// NOT VALID and then validated.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string // target table name
	RefColumns []string
	// RefDatabase is the referenced table's database when it is another
	// than the table's own: the reference cannot be a constraint, and is
	// checked for orphans instead.
	RefDatabase string
	OnDelete    sluice.FKAction
	OnUpdate    sluice.FKAction
}

// Table returns the planned table with this ID ("<source>.<table>"), or nil.
func (p *Plan) Table(id string) *Table {
	for _, t := range p.Tables {
		if t.ID == id {
			return t
		}
	}
	return nil
}
