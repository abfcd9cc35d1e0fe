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

	// How the table is read.
	ReadColumns []string // source columns, in the order rows are read
	Key         []string // keyset pagination columns (may be the row id); nil reads one chunk
	Where       string   // row filter in the source dialect
	ChunkRows   int

	Keys      string   // config.KeysUUID or config.KeysKeep
	Strategy  string   // config.StrategyCreate or config.StrategyTruncate
	DependsOn []string // IDs of tables that must be loaded first (foreign keys enforced during the load)
	Rows      int64    // the source's estimate
	Chunks    int      // estimated chunk count
}

// Role says how a target column's value is produced.
type Role string

const (
	// RoleValue casts one source column (Source) into the target type.
	RoleValue Role = "value"
	// RoleRowUUID is the row's identity: KeyUUID over KeyColumns of this table.
	RoleRowUUID Role = "row_uuid"
	// RoleRefUUID is a rewritten foreign key: KeyUUID over KeyColumns (the
	// foreign key's source columns) as the identity of a RefSource.RefTable row.
	RoleRefUUID Role = "ref_uuid"
	// RoleLegacyKey keeps the legacy key: the value of the single KeyColumns
	// column cast to Type, or KeyText of a composite key.
	RoleLegacyKey Role = "legacy_key"
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
	Default    *string     // used where the source value is NULL, cast to Type
	ZeroDates  string      // config.ZeroDatesReject or config.ZeroDatesNull
}

// Index is a unique constraint or an index on target columns.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
}

// ForeignKey is a constraint between target tables, added after the data
// NOT VALID and then validated.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string // target table name
	RefColumns []string
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
