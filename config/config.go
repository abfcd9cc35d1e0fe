// Package config reads sluice.yaml (version 1) strictly: an unknown key, a
// value of the wrong type or a value out of range is an error that names the
// file, the line and the key, and every problem is reported at once.
//
// Checks that need the source schemas (does this table or column exist?) are
// made by the plan package, which reports them with the lines kept here.
package config

import (
	"slices"

	"github.com/google/uuid"
)

// Config is a parsed sluice.yaml.
type Config struct {
	File    string // the path it was read from, for messages
	Hash    string // hex SHA-256 of the file's bytes as read, before ${ENV} expansion; ties a run to its config
	Version int
	Sources []Source // in file order
	// Target is the only target database (the file's "target:"), or the
	// first of Targets.
	Target Target
	// Targets lists the target databases in file order: one entry, named
	// DefaultTargetName, for a file with "target:"; one per entry of
	// "targets:" (a monolith split per service).
	Targets  []Target
	Defaults Defaults
	Tables   []TableRule // in file order
	// Merges are the target tables fed by several source tables (a key
	// without a dot under "tables:", with "from:"), in file order.
	Merges []MergeRule
	Audit  Audit // the audit: section
}

// DefaultTargetName names the target database of a file with "target:".
const DefaultTargetName = "target"

// Source is a named legacy database.
type Source struct {
	Name string
	URL  string // after ${ENV} expansion; print it only through sluice.RedactURL
	Line int
	// Encoding is the character set the source's text is stored in, as
	// charset.Lookup names it, when the database does not record it (a
	// SQLite file, a PostgreSQL database created with SQL_ASCII); "" reads
	// text as UTF-8.
	Encoding string
	Capture  Capture // how sluice sync captures its changes (capture.go)
	// CSV holds how the files of a csv: source are read; nil when not given.
	CSV *CSVOptions
}

// Target is the PostgreSQL database the sources move into.
type Target struct {
	Name   string // the key under targets:, or DefaultTargetName
	URL    string
	Schema string // default "public"
	Line   int
}

// Naming rules for target identifiers.
const (
	NamingCamel = "camelCase"
	NamingSnake = "snake_case"
	NamingKeep  = "keep"
)

// Key strategies.
const (
	KeysUUID = "uuid"
	KeysKeep = "keep"
)

// Load strategies.
const (
	StrategyCreate   = "create"
	StrategyTruncate = "truncate"
	// StrategyMerge upserts by the target key and leaves a row whose content
	// did not change untouched; a rerun on an unchanged source writes nothing.
	StrategyMerge = "merge"
	// StrategyAppend inserts the rows whose key is not in the target yet.
	StrategyAppend = "append"
)

// How a merged target table settles sources that disagree on a matched row.
const (
	ConflictPrefer = "prefer" // the better-ranked source wins (Prefer, else the from order)
	ConflictLatest = "latest" // the row with the later Latest value wins
	ConflictManual = "manual" // the first source in from order wins; each disagreement is queued
)

// What to do with a MySQL zero date (0000-00-00) or any date that is not one.
const (
	ZeroDatesReject = "reject"
	ZeroDatesNull   = "null"
)

// What to do with the rows of a table whose primary key the source engine
// does not enforce (SQLite), when some of them cannot have it in PostgreSQL:
// a NULL in a key column, or a key another row holds.
const (
	BadKeysReject = "reject" // such rows go to sluice.rejects; the table keeps its primary key
	BadKeysLoad   = "load"   // every row loads; the table has no primary key
)

// What an ENUM (and a SET) column becomes in the target: text with a CHECK
// that it holds a member, a PostgreSQL enum type with the members in
// order, or text that takes any value.
const (
	EnumsCheck = "check"
	EnumsType  = "type"
	EnumsText  = "text"
)

// Defaults apply to every table unless its rule says otherwise.
type Defaults struct {
	Naming       string    // NamingCamel, NamingSnake or NamingKeep; default snake_case
	Keys         string    // KeysUUID or KeysKeep; default keep
	KeyNamespace uuid.UUID // default sluice.DefaultNamespace
	LegacyColumn string    // default "legacy_id"
	ChunkRows    int       // default 20000
	ChunkBytes   int64     // a chunk ends when its rows' values pass this size; default 8 MiB
	Workers      int       // default 4
	Strategy     string    // a Strategy* constant; default create
	ZeroDates    string    // ZeroDatesReject or ZeroDatesNull; default reject
	// DeleteMissing deletes, after a merge or append load, the target rows
	// Sluice loaded whose source row is gone; default false.
	DeleteMissing bool
	SourceColumn  string // lineage column of a merged target table; default "source"
	BadKeys       string // BadKeysReject or BadKeysLoad; default reject
	Enums         string // EnumsCheck, EnumsType or EnumsText; default check
	// Spatial is SpatialPostGIS (spatial columns become PostGIS geometry,
	// the default) or SpatialWKT (text holding EWKT).
	Spatial string
	// TextSearch is the PostgreSQL text search configuration of the GIN
	// indexes that replace FULLTEXT indexes; default "simple".
	TextSearch string
}

// What spatial columns become on the target.
const (
	SpatialPostGIS = "postgis"
	SpatialWKT     = "wkt"
)

// TableRule maps one source table ("<source>.<table>" in the file).
type TableRule struct {
	Source       string
	Table        string
	Line         int
	Target       string // target table name; "" applies the naming rule
	Skip         bool   // leave the table out of the migration
	Keys         string // "" uses the default
	LegacyColumn string // "" uses the default
	ChunkRows    int    // 0 uses the default
	ChunkBytes   int64  // 0 uses the default
	Where        string // a row filter in the source's SQL dialect; rows it excludes count as filtered
	Columns      []ColumnRule
	Database     string // the target database (a name under targets:); "" is the first
	Strategy     string // "" uses the default
	BadKeys      string // "" uses the default
	// DeleteMissing overrides defaults.delete_missing when not nil.
	DeleteMissing *bool
	// Fill gives, by target column name, the value of a column of the merged
	// target table that this source table lacks (nil value: NULL).
	Fill     []FillRule
	Computed []ComputedRule // target columns computed from the source row
	Expand   []ExpandRule   // child tables made from this table's rows
	Indexes  []IndexRule    // indexes dropped, redefined or added
	// CSV holds how the table's file is read (csv: sources only); nil when
	// not given.
	CSV *CSVOptions
	// PrimaryKey declares the key of a table whose source has none of its
	// own to report (csv: sources only); PrimaryKeyLine locates it.
	PrimaryKey     []string
	PrimaryKeyLine int
	// Rollback false leaves the table out of the reverse stream after a
	// cutover (a table whose mapping cannot be reversed must say so for
	// cutover to go ahead); nil and true keep it in.
	Rollback *bool
}

// FillRule is the value a source gives a merged target column it lacks.
type FillRule struct {
	Column string  // target column
	Value  *string // cast to the column's type; nil is NULL
	Line   int
}

// ComputedRule is a target column whose value is an expression over the
// source row (expr-lang syntax; source columns by their source names).
type ComputedRule struct {
	Column string // target column name
	Expr   string
	Type   string // PostgreSQL type of the result; default text
	Line   int
}

// Expansion kinds: how one source value becomes several child rows.
const (
	ExpandCount = "count" // an integer column: that many rows, ordinals 1..n
	ExpandList  = "list"  // a delimited text column: one row per element
	ExpandJSON  = "json"  // a JSON array column: one row per element
)

// ExpandRule turns one value of each source row into rows of a child table.
type ExpandRule struct {
	Table     string // the child target table
	Kind      string // an Expand* constant
	Column    string // the source column holding the count, the list or the array
	Separator string // ExpandList; default ","
	Ordinal   string // child column of the element's position 1..n; default "ordinal"
	Value     string // ExpandList, ExpandJSON: child column of the element; default "value"
	Parent    string // child column referencing the parent row; default naming(<parent table>_id)
	Line      int
}

// MergeRule is a target table fed by several source tables.
type MergeRule struct {
	Table         string   // the target table (the key under tables:)
	From          []string // "<source>.<table>" in priority order
	MatchOn       []string // target columns of a natural key; nil keeps every source row apart
	Conflict      string   // a Conflict* constant; default prefer
	Prefer        []string // ConflictPrefer: source names, best first; nil is the from order
	Latest        string   // ConflictLatest: the target column compared
	SourceColumn  string   // "" uses defaults.source_column
	Database      string   // "" is the first target
	Strategy      string   // StrategyMerge or StrategyAppend; "" is merge
	DeleteMissing *bool
	// Rollback false leaves the merged table out of the reverse stream
	// after a cutover; nil and true keep it in.
	Rollback *bool
	// NewRows is the source that rows inserted on the target after a
	// cutover (they have no source yet) are written back to; "" refuses
	// them.
	NewRows string
	Line    int
}

// ColumnRule maps one source column.
type ColumnRule struct {
	Name    string // the source column
	Line    int
	Target  string  // rename; "" applies the naming rule
	Type    string  // PostgreSQL type override; "" uses the type map
	Drop    bool    // leave the column out
	Default *string // value used where the source value is NULL, cast to the target type
	// References declares a foreign key the source does not: "source.Table"
	// (its primary key) or "source.Table.Column". With keys: uuid the value is
	// rewritten to the referenced row's UUID.
	References string
	Enum       string // an ENUM or SET column: overrides defaults.enums; "" uses it
	// SourceType declares the type of a column whose source has none (csv:
	// sources): how its text is read and checked, e.g. "numeric(10,2)" or
	// "date not null". Type is the target's.
	SourceType string
}

// Merge returns the merge rule that lists "source.table" in its from, or nil.
func (c *Config) Merge(source, table string) *MergeRule {
	id := source + "." + table
	for i := range c.Merges {
		if slices.Contains(c.Merges[i].From, id) {
			return &c.Merges[i]
		}
	}
	return nil
}

// Source returns the source called name, or nil.
func (c *Config) Source(name string) *Source {
	for i := range c.Sources {
		if c.Sources[i].Name == name {
			return &c.Sources[i]
		}
	}
	return nil
}

// Database returns the target database called name, the first one for "",
// or nil.
func (c *Config) Database(name string) *Target {
	if name == "" && len(c.Targets) > 0 {
		return &c.Targets[0]
	}
	for i := range c.Targets {
		if c.Targets[i].Name == name {
			return &c.Targets[i]
		}
	}
	return nil
}

// Rule returns the rule of source table "source.table", or nil.
func (c *Config) Rule(source, table string) *TableRule {
	for i := range c.Tables {
		if c.Tables[i].Source == source && c.Tables[i].Table == table {
			return &c.Tables[i]
		}
	}
	return nil
}

// Column returns the rule of a source column, or nil.
func (r *TableRule) Column(name string) *ColumnRule {
	if r == nil {
		return nil
	}
	for i := range r.Columns {
		if r.Columns[i].Name == name {
			return &r.Columns[i]
		}
	}
	return nil
}
