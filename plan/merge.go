package plan

import (
	"fmt"
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// A merged target table is fed by several source tables, its parts. Each
// part stays one plan.Table (one unit of reading and of the ledger) with
// its own column mapping; their target columns are then unified into one
// list that every part shares: the same names, types and order.
//
//	id      uuid  the row uuid of the part's key, or the match uuid of MatchOn
//	legacy  text  the part's key as text (sluice.KeyText)
//	source  text  the part's source name
//	...           the union of the parts' columns, in order of first appearance
//	sluice_row_hash (added with the other merge and append tables)

// mergedIDColumn is the merged table's row identity.
const mergedIDColumn = compositeUUIDColumn

// joinMerge makes the table a part of its merged table.
func (b *builder) joinMerge(st *tableState, ms *mergeState) {
	t := st.t
	st.merge = ms
	t.Name, t.Merged, t.Keys, t.Strategy = ms.rule.Table, ms.m, config.KeysUUID, ms.strategy
	t.DeleteMissing = ms.deleteMissing
	if st.rule != nil && st.rule.DeleteMissing != nil {
		t.DeleteMissing = *st.rule.DeleteMissing // a part may delete while another does not
	}
	st.legacy = ms.m.LegacyColumn
	b.placeTable(t, ms.database)
}

// mergedKeys puts the identity first: id (the row uuid of the part's key,
// or the match uuid) and the legacy key as text. A single-column key's
// own column is replaced, as under keys: uuid; a composite key's columns
// stay values.
func (b *builder) mergedKeys(st *tableState) {
	t, pk := st.t, st.src.PrimaryKey
	var keyType sluice.Type
	if len(pk) == 1 {
		keyType = st.src.Column(pk[0]).Type
		if i := t.columnIndex(pk[0]); i >= 0 {
			t.Columns = slices.Delete(t.Columns, i, i+1)
		}
	}
	id := Column{Name: mergedIDColumn, Type: "uuid", NotNull: true, Role: RoleRowUUID, KeyColumns: pk, SourceType: keyType}
	if match := st.merge.m.MatchOn; len(match) > 0 {
		id = Column{Name: mergedIDColumn, Type: "uuid", NotNull: true, Role: RoleMatchUUID, KeyColumns: match}
	}
	legacy := Column{Name: st.legacy, Type: "text", NotNull: true, Role: RoleLegacyKey, KeyColumns: pk, SourceType: keyType}
	t.Columns = append([]Column{id, legacy}, t.Columns...)
	t.PrimaryKey = []string{mergedIDColumn}
}

// parts are the planned parts of a merged table, in from order.
func (b *builder) parts(ms *mergeState) []*tableState {
	var parts []*tableState
	for _, id := range ms.m.Parts {
		if st := b.states[id]; st != nil {
			parts = append(parts, st)
		}
	}
	return parts
}

// unionColumn is one value column of a merged table: its resolved type and
// each part's own column (nil where the part lacks it).
type unionColumn struct {
	name    string
	typ     string
	notNull bool
	of      []*Column // parallel to the parts
}

// unify gives every part the merged table's column list, fills the
// columns a part lacks, and reports the drift.
func (b *builder) unify(ms *mergeState) {
	parts := b.parts(ms)
	if len(parts) == 0 {
		return
	}
	ms.drift = &Drift{Table: ms.rule.Table, Database: parts[0].t.Database}
	ms.union = b.unionColumns(ms, parts)
	b.checkMergeColumns(ms)
	fks := b.mergeForeignKeys(ms, parts)
	for i, st := range parts {
		cols := append(slices.Clone(st.t.Columns[:2]), Column{Name: ms.m.SourceColumn, Type: "text", NotNull: true, Role: RoleSource})
		for _, u := range ms.union {
			cols = append(cols, b.partColumn(ms, st, u, u.of[i]))
		}
		st.t.Columns, st.t.ForeignKeys = cols, slices.Clone(fks)
	}
	b.checkFills(ms, parts)
}

// unionColumns lists the parts' value columns by name in order of first
// appearance, each with the type that holds every part's values.
func (b *builder) unionColumns(ms *mergeState, parts []*tableState) []unionColumn {
	var union []unionColumn
	index := map[string]int{}
	for i, st := range parts {
		b.checkColumnNames(st) // before the union, which keeps one column by name
		for j := range st.t.Columns[2:] {
			c := &st.t.Columns[2+j]
			k, ok := index[c.Name]
			if !ok {
				k, index[c.Name] = len(union), len(union)
				union = append(union, unionColumn{name: c.Name, of: make([]*Column, len(parts))})
			}
			if union[k].of[i] == nil {
				union[k].of[i] = c
			}
		}
	}
	for k := range union {
		b.resolveUnion(ms, parts, &union[k])
	}
	return union
}

// resolveUnion settles a union column's type, and its NOT NULL: only when
// every part provides it NOT NULL.
func (b *builder) resolveUnion(ms *mergeState, parts []*tableState, u *unionColumn) {
	types := map[string]string{}
	var list []string
	u.notNull = true
	for i, c := range u.of {
		if c == nil {
			u.notNull = false
			continue
		}
		u.notNull = u.notNull && c.NotNull
		types[parts[i].t.ID] = c.Type
		list = append(list, c.Type)
	}
	typ, why := resolveTypes(list)
	u.typ = typ
	if why == "" {
		return
	}
	ms.drift.Types = append(ms.drift.Types, TypeDrift{Column: u.name, Types: types, Resolved: typ, Why: why})
	if why == whyText {
		b.warn("", fmt.Sprintf("merged table %s: column %s has types that share no wider type (%s); its values are cast to text", ms.rule.Table, u.name, typeList(parts, u)))
	}
}

func typeList(parts []*tableState, u *unionColumn) string {
	var s []string
	for i, c := range u.of {
		if c != nil {
			s = append(s, parts[i].t.ID+" "+c.Type)
		}
	}
	return joinCols(s)
}

// partColumn is the part's own column with the merged type, or the fill of
// a column the part lacks.
func (b *builder) partColumn(ms *mergeState, st *tableState, u unionColumn, own *Column) Column {
	if own != nil {
		c := *own
		c.Type, c.NotNull = u.typ, u.notNull
		return c
	}
	fill := fillValue(st.rule, u.name)
	ms.drift.Missing = append(ms.drift.Missing, MissingDrift{Column: u.name, Source: st.t.ID, Fill: fill})
	return Column{Name: u.name, Type: u.typ, Role: RoleFill, Default: fill}
}

func fillValue(rule *config.TableRule, col string) *string {
	if rule == nil {
		return nil
	}
	for _, f := range rule.Fill {
		if f.Column == col {
			return f.Value
		}
	}
	return nil
}

// checkMergeColumns: match_on and latest name columns of the union.
func (b *builder) checkMergeColumns(ms *mergeState) {
	names := ms.unionNames()
	for _, c := range ms.m.MatchOn {
		if !slices.Contains(names, c) {
			b.fail(ms.rule.Line, ms.key()+".match_on", "match_on: column %q is not a column of %s (%s)%s", c, ms.rule.Table, joinCols(names), suggest(c, names))
		}
	}
	if l := ms.m.Latest; l != "" && !slices.Contains(names, l) {
		b.fail(ms.rule.Line, ms.key()+".latest", "latest: column %q is not a column of %s (%s)%s", l, ms.rule.Table, joinCols(names), suggest(l, names))
	}
}

func (ms *mergeState) unionNames() []string {
	names := make([]string, len(ms.union))
	for i, u := range ms.union {
		names[i] = u.name
	}
	return names
}

// checkFills: a part fills only columns of the union that it lacks.
func (b *builder) checkFills(ms *mergeState, parts []*tableState) {
	for i, st := range parts {
		if st.rule == nil {
			continue
		}
		for _, f := range st.rule.Fill {
			key := st.tableKey() + ".fill." + f.Column
			k := slices.IndexFunc(ms.union, func(u unionColumn) bool { return u.name == f.Column })
			switch {
			case k < 0:
				b.fail(f.Line, key, "fill: %s is not a column of the merged table %s (%s)%s", f.Column, ms.rule.Table, joinCols(ms.unionNames()), suggest(f.Column, ms.unionNames()))
			case ms.union[k].of[i] != nil:
				b.fail(f.Line, key, "fill: %s has column %s; fill gives a value to the columns a part lacks", st.t.ID, f.Column)
			}
		}
	}
}
