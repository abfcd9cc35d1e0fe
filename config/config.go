// Package config reads sluice.yaml (version 1) strictly: an unknown key, a
// value of the wrong type or a value out of range is an error that names the
// file, the line and the key, and every problem is reported at once.
//
// Checks that need the source schemas (does this table or column exist?) are
// made by the plan package, which reports them with the lines kept here.
package config

import "github.com/google/uuid"

// Config is a parsed sluice.yaml.
type Config struct {
	File     string // the path it was read from, for messages
	Hash     string // hex SHA-256 of the file's bytes as read, before ${ENV} expansion; ties a run to its config
	Version  int
	Sources  []Source // in file order
	Target   Target
	Defaults Defaults
	Tables   []TableRule // in file order
}

// Source is a named legacy database.
type Source struct {
	Name string
	URL  string // after ${ENV} expansion; print it only through sluice.RedactURL
	Line int
}

// Target is the PostgreSQL database the sources move into.
type Target struct {
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
)

// What to do with a MySQL zero date (0000-00-00) or any date that is not one.
const (
	ZeroDatesReject = "reject"
	ZeroDatesNull   = "null"
)

// Defaults apply to every table unless its rule says otherwise.
type Defaults struct {
	Naming       string    // NamingCamel, NamingSnake or NamingKeep; default snake_case
	Keys         string    // KeysUUID or KeysKeep; default keep
	KeyNamespace uuid.UUID // default sluice.DefaultNamespace
	LegacyColumn string    // default "legacy_id"
	ChunkRows    int       // default 20000
	Workers      int       // default 4
	Strategy     string    // StrategyCreate or StrategyTruncate; default create
	ZeroDates    string    // ZeroDatesReject or ZeroDatesNull; default reject
}

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
	Where        string // a row filter in the source's SQL dialect; rows it excludes count as filtered
	Columns      []ColumnRule
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
