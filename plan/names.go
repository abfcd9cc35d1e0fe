package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sluicedb/sluice"
)

// Constraint and index names are derived from the table and columns, so a
// rerun or a second machine produces the same DDL: <table>_pkey,
// <table>_<cols>_key, <table>_<cols>_idx and <table>_<cols>_fkey.

// ConstraintName builds "<table>_<cols>_<suffix>", shortened to fit.
func ConstraintName(table string, cols []string, suffix string) string {
	parts := append([]string{table}, cols...)
	return Shorten(strings.Join(append(parts, suffix), "_"))
}

// PrimaryKeyName is the name of a table's primary key constraint.
func PrimaryKeyName(t *Table) string {
	return Shorten(t.Name + "_pkey")
}

// Shorten keeps a name within PostgreSQL's 63 bytes: a longer one is cut (at
// a character boundary) and ends with "_" and 8 hex digits of its SHA-256,
// so that two long names differing only at the end stay distinct.
func Shorten(name string) string {
	if len(name) <= maxIdentifier {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	cut := maxIdentifier - 9
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + "_" + hex.EncodeToString(sum[:4])
}

// nameConstraints names indexes and foreign keys. Index names share one
// namespace per schema with tables, and constraint names must differ within
// a table, so a name already taken gets a number. The parts of a merged
// table share its names.
func (b *builder) nameConstraints() {
	relations := map[string]map[string]bool{} // by database
	for _, st := range b.list {
		if relations[st.t.Database] == nil {
			relations[st.t.Database] = map[string]bool{}
		}
		relations[st.t.Database][st.t.Name] = true
		relations[st.t.Database][PrimaryKeyName(st.t)] = true
	}
	named := map[*mergeState]*Table{}
	for _, st := range b.list {
		if first := named[st.merge]; st.merge != nil && first != nil {
			st.t.Indexes, st.t.ForeignKeys = slices.Clone(first.Indexes), slices.Clone(first.ForeignKeys)
			continue
		}
		nameTable(st.t, relations[st.t.Database])
		if st.merge != nil {
			named[st.merge] = st.t
		}
	}
}

func nameTable(t *Table, relations map[string]bool) {
	for i := range t.Indexes {
		ix := &t.Indexes[i]
		switch {
		case ix.Name != "": // named in the config
			ix.Name = claim(relations, Shorten(ix.Name))
		case len(ix.Columns) == 0: // on expressions only: named after the source index
			ix.Name = claim(relations, ConstraintName(t.Name, []string{ix.Source}, indexSuffix(ix.Unique)))
		default:
			ix.Name = claim(relations, ConstraintName(t.Name, ix.Columns, indexSuffix(ix.Unique)))
		}
	}
	own := map[string]bool{}
	for i := range t.ForeignKeys {
		fk := &t.ForeignKeys[i]
		fk.Name = claim(own, ConstraintName(t.Name, fk.Columns, "fkey"))
	}
}

func indexSuffix(unique bool) string {
	if unique {
		return "key"
	}
	return "idx"
}

func claim(used map[string]bool, name string) string {
	candidate := name
	for n := 2; used[candidate]; n++ {
		candidate = Shorten(fmt.Sprintf("%s%d", name, n))
	}
	used[candidate] = true
	return candidate
}

// planIndexes carries the source's indexes over, on target columns, as
// carryIndex decides, with the config's new indexes, before the ones the
// keys added.
func (b *builder) planIndexes(st *tableState) {
	var ixs []Index
	for _, six := range st.sourceIndexes() {
		if ix, ok := b.carryIndex(st, six); ok {
			ixs = append(ixs, ix)
		}
	}
	ixs = append(ixs, b.configIndexes(st)...)
	var kept []Index
	for _, ix := range append(ixs, st.t.Indexes...) {
		pk := ix.Expr == "" && ix.Where == "" && ix.Method == "" && slices.Equal(ix.Columns, st.t.PrimaryKey)
		if !pk && !hasIndex(kept, ix) {
			kept = append(kept, ix)
		}
	}
	st.t.Indexes = kept
}

func hasIndex(ixs []Index, ix Index) bool {
	for _, have := range ixs {
		if have.Unique == ix.Unique && slices.Equal(have.Columns, ix.Columns) &&
			have.Expr == ix.Expr && have.Where == ix.Where && have.Method == ix.Method {
			return true
		}
	}
	return false
}

// sourceIndexes are the source table's indexes; an expansion's child has
// none of its parent's.
func (st *tableState) sourceIndexes() []sluice.Index {
	if st.expand != nil {
		return nil
	}
	return st.src.Indexes
}
