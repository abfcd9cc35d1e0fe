package plan

import (
	"fmt"
	"slices"
)

// mergeForeignKeys lists the foreign keys of the merged table: the parts'
// foreign keys that are the same constraint on the merged table, once. A
// foreign key whose column changed type in the union cannot hold the
// reference any more, and one column referencing different tables from
// different parts cannot be a constraint: both are left out, with a warning.
func (b *builder) mergeForeignKeys(ms *mergeState, parts []*tableState) []ForeignKey {
	var fks []ForeignKey
	for _, st := range parts {
		for _, fk := range st.t.ForeignKeys {
			if !b.keepsType(ms, st, fk) {
				continue
			}
			if k := slices.IndexFunc(fks, func(have ForeignKey) bool { return sameForeignKey(have, fk) }); k >= 0 {
				b.settleActions(ms, st, &fks[k], fk)
				continue
			}
			fks = append(fks, fk)
		}
	}
	return b.dropAmbiguous(ms, fks)
}

// keepsType reports whether each column of the part's foreign key keeps
// its type in the merged table.
func (b *builder) keepsType(ms *mergeState, st *tableState, fk ForeignKey) bool {
	for _, name := range fk.Columns {
		own := st.t.column(name)
		k := slices.IndexFunc(ms.union, func(u unionColumn) bool { return u.name == name })
		if own != nil && k >= 0 && CanonicalType(own.Type) != CanonicalType(ms.union[k].typ) {
			b.warn(st.t.ID, fmt.Sprintf("foreign key (%s) -> %s: the merged table %s gives %s the type %s (it was %s), so it cannot reference %s; the foreign key is left out",
				joinCols(fk.Columns), fk.RefTable, ms.rule.Table, name, ms.union[k].typ, own.Type, fk.RefTable))
			return false
		}
	}
	return true
}

func (b *builder) dropAmbiguous(ms *mergeState, fks []ForeignKey) []ForeignKey {
	var kept []ForeignKey
	warned := map[string]bool{}
	for _, fk := range fks {
		var refs []string
		for _, o := range fks {
			if slices.Equal(o.Columns, fk.Columns) {
				refs = append(refs, o.RefTable)
			}
		}
		cols := joinCols(fk.Columns)
		switch {
		case len(refs) == 1:
			kept = append(kept, fk)
		case !warned[cols]:
			warned[cols] = true
			b.warn("", fmt.Sprintf("merged table %s: column (%s) references %s from different sources; one column cannot reference all of them, so none of these foreign keys is added",
				ms.rule.Table, cols, joinCols(slices.Compact(refs))))
		}
	}
	return kept
}

// column returns the target column called name, or nil.
func (t *Table) column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// mergeIndexes gives every part the merged table's indexes: unique
// (source, legacy key), the one identity every source row has, and the
// parts' plain indexes, once. The parts' own unique indexes are left out:
// values unique in each source can repeat across sources.
func (b *builder) mergeIndexes(ms *mergeState) {
	parts := b.parts(ms)
	ixs := []Index{{Columns: []string{ms.m.SourceColumn, ms.m.LegacyColumn}, Unique: true}}
	for _, st := range parts {
		for _, ix := range st.t.Indexes {
			switch {
			case ix.Unique:
				b.warn(st.t.ID, fmt.Sprintf("unique index (%s) is left out of the merged table %s: values unique in one source can repeat across sources", joinCols(ix.Columns), ms.rule.Table))
			case !hasIndex(ixs, ix):
				ixs = append(ixs, ix)
			}
		}
	}
	for _, st := range parts {
		st.t.Indexes = slices.Clone(ixs)
	}
}
