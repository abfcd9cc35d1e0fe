package tds

import (
	"fmt"
	"strings"
)

// Database is one fixture database: its schemas, tables with their rows,
// and the objects a catalog lists.
type Database struct {
	Name      string
	Collation *Collation
	// Snapshot is ALLOW_SNAPSHOT_ISOLATION.
	Snapshot bool
	Schemas  []string // "dbo" first
	Tables   []*Table
	Types    []*AliasType
	Objects  []*Module // views, triggers, procedures, functions
	nextID   int
	cdc      cdcState
	ct       ctState
	// Denied lists objects ("cdc.change_tables") whose SELECT the login
	// lacks: reading one is SQL Server's error 229.
	Denied []string
}

// AliasType is a user-defined alias of a system type (CREATE TYPE x FROM y).
type AliasType struct {
	Schema, Name string
	Base         ColType
	Nullable     bool
	ID           int
}

// Module is a view, trigger, procedure or function and its T-SQL text.
type Module struct {
	Schema, Name string
	Type         string // sys.objects.type: V, TR, P, FN
	Parent       *Table // a trigger's table
	Definition   string
	ID           int
}

// Table is a fixture table: its definition and its rows, each row's values
// in column order in the Go forms of values.go.
type Table struct {
	Schema, Name string
	ID           int
	Columns      []*Column
	PrimaryKey   *KeyConstraint
	Uniques      []*KeyConstraint
	Indexes      []*IndexDef
	ForeignKeys  []*ForeignKeyDef
	Checks       []*CheckDef
	Description  string
	Rows         [][]any
}

// Column is a fixture column.
type Column struct {
	Name        string
	Type        ColType
	Nullable    bool
	Identity    *Identity
	Computed    string // the expression of a computed column
	Persisted   bool
	Default     *DefaultDef
	Description string
	computed    *compiled
}

// Identity is an identity column's seed and increment.
type Identity struct{ Seed, Increment, Last int64 }

// KeyConstraint is a primary key or unique constraint.
type KeyConstraint struct {
	Name      string
	Columns   []string
	Clustered bool
	ID        int
}

// IndexDef is an index that is not a constraint.
type IndexDef struct {
	Name    string
	Columns []string
	Unique  bool
	Spatial bool
}

// ForeignKeyDef is a foreign key constraint.
type ForeignKeyDef struct {
	Name                string
	Columns             []string
	RefSchema, RefTable string
	RefColumns          []string
	OnDelete, OnUpdate  string // NO_ACTION, CASCADE, SET_NULL, SET_DEFAULT
	ID                  int
}

// CheckDef is a CHECK constraint; Definition is as sys.check_constraints
// shows it, in parentheses.
type CheckDef struct {
	Name, Definition string
	ID               int
}

// DefaultDef is a column's default constraint.
type DefaultDef struct {
	Name, Definition string
	ID               int
}

// NewDatabase returns an empty database with the dbo schema.
func NewDatabase(name string) *Database {
	return &Database{Name: name, Collation: DefaultCollation, Schemas: []string{"dbo"}, nextID: 245575913}
}

func (db *Database) newID() int {
	db.nextID += 16000057
	return db.nextID
}

// Table finds a table by schema and name as SQL Server does: names compare
// case-insensitively under the default collation.
func (db *Database) Table(schema, name string) *Table {
	for _, t := range db.Tables {
		if strings.EqualFold(t.Schema, schema) && strings.EqualFold(t.Name, name) {
			return t
		}
	}
	return nil
}

func (db *Database) hasSchema(name string) bool {
	for _, s := range db.Schemas {
		if strings.EqualFold(s, name) {
			return true
		}
	}
	return false
}

// SchemaID is a schema's sys.schemas.schema_id (dbo is 1, others from 5).
func (db *Database) SchemaID(name string) int {
	for i, s := range db.Schemas {
		if strings.EqualFold(s, name) {
			if i == 0 {
				return 1
			}
			return 4 + i
		}
	}
	return 0
}

// Column finds a column by name, case-insensitively.
func (t *Table) Column(name string) (int, *Column) {
	for i, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return i, c
		}
	}
	return -1, nil
}

// QualifiedName is schema.table, for messages.
func (t *Table) QualifiedName() string { return t.Schema + "." + t.Name }

func (t *Table) columnIndexes(names []string) ([]int, error) {
	idx := make([]int, len(names))
	for i, n := range names {
		j, _ := t.Column(n)
		if j < 0 {
			return nil, fmt.Errorf("table %s has no column %s", t.QualifiedName(), n)
		}
		idx[i] = j
	}
	return idx, nil
}
