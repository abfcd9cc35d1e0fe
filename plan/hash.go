package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// Hash identifies how the table's rows are produced: the source table and
// the columns read, the key and the filter, every target column with its
// type, role, default, expression and match resolution, the merged table
// it is part of (its parts, natural key and conflict rule) or the expansion
// it is, and the key namespace. A load that resumes must use the mapping
// its first chunks used, or the table would mix two mappings; the chunk
// size, the estimates and the indexes do not change a row, so they are left
// out.
//
// The dialect a CSV file is read with (its encoding, delimiter, NULL
// markers, date formats) is in: the same file read another way gives other
// rows.
//
// Also left out: the strategy and delete_missing, which change how rows
// are written, not what a row holds (switching a loaded table to merge must
// not reload it), and the target database and schema, which hold their own
// state: a table planned into another database starts there anyway, and
// renaming a database's key under targets: must not reload anything.
//
// What came after the first release is encoded only when set, so that the
// hash of a table using none of it stays what it was, and existing targets
// do not reload when Sluice is upgraded.
func (t *Table) Hash(ns uuid.UUID) string {
	h := sha256.New()
	// Encoding a struct is deterministic: fields in declaration order.
	_ = json.NewEncoder(h).Encode(struct {
		Namespace                 uuid.UUID
		Source, SourceTable, Name string
		ReadColumns, Key          []string
		Where, Keys               string
		Columns                   []hashColumn
		Merged                    *Merged    `json:",omitempty"`
		Expansion                 *Expansion `json:",omitempty"`
		BadKeys                   string     `json:",omitempty"`
		Dialect                   string     `json:",omitempty"`
	}{ns, t.Source, t.SourceTable, t.Name, t.ReadColumns, t.Key, t.Where, t.Keys, hashColumns(t.Columns), t.Merged, t.Expansion, loadsBadKeys(t), t.Dialect})
	return hex.EncodeToString(h.Sum(nil))
}

// hashColumn is how a Column is hashed: the fields of the first release in
// their order, then the later ones when set. The column's DDL attributes
// for the application (SQLDefault, AutoIncrement, Comment) are left out like the
// indexes: Sluice writes every row's values itself. So is the nullability
// a legacy key or source column got so that application rows fit: Sluice
// writes them NOT NULL as before.
type hashColumn struct {
	Name         string
	Type         string
	NotNull      bool
	Role         Role
	Source       string
	SourceType   sluice.Type
	KeyColumns   []string
	RefSource    string
	RefTable     string
	Default      *string
	ZeroDates    string
	Expr         string `json:",omitempty"`
	ResolveMatch bool   `json:",omitempty"`
	// Identity is the root table of a subtype's identity:
	// "<source>.<table>", or "" for the table's or the referenced table's own.
	Identity string `json:",omitempty"`
}

func hashColumns(cols []Column) []hashColumn {
	hcs := make([]hashColumn, len(cols))
	for i, c := range cols {
		hcs[i] = hashColumn{
			Name: c.Name, Type: c.Type, NotNull: c.NotNull || admitsApplicationRows(c), Role: c.Role, Source: c.Source, SourceType: c.SourceType,
			KeyColumns: c.KeyColumns, RefSource: c.RefSource, RefTable: c.RefTable, Default: c.Default, ZeroDates: c.ZeroDates,
			Expr: c.Expr, ResolveMatch: c.ResolveMatch,
		}
		if c.IdentityTable != "" {
			hcs[i].Identity = c.IdentitySource + "." + c.IdentityTable
		}
	}
	return hcs
}

// loadsBadKeys is what BadKeys adds to the hash: only load, which changes
// what the table holds, so that a table loaded under reject (in effect what
// every earlier version did) keeps its hash.
func loadsBadKeys(t *Table) string {
	if t.BadKeys == config.BadKeysLoad {
		return t.BadKeys
	}
	return ""
}
