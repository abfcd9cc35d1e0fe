package plan

import (
	"slices"
	"strings"

	"github.com/sluicedb/sluice/config"
)

// Subtype tables. A table whose primary key is also a foreign key to the
// whole primary key of another table holds at most one row per row of that
// table, under the same key: patient (patient_id -> person.person_id),
// concept_numeric -> concept, drug_order -> orders. Under keys: uuid its row
// is the same entity as the row it extends, so it takes that row's
// identity: its row uuid is KeyUUID(ns, <parent source>, <parent table>,
// key), equal to its parent's, and through a chain of such tables
// (drug_order_detail -> drug_order -> orders) the identity of the chain's
// root. Every foreign key that points at a subtype computes that same
// identity from its own columns, so a reference is still the referenced
// row's identity, computed with one function and no lookup. The legacy key
// stays in the subtype's legacy column.
//
// The parent must be a keys: uuid table whose rows have that identity: a
// table merged on a natural key does not (its rows' identity is the
// match's, known only at load time), and a keys: keep table has none. A
// table whose key references such a parent keeps its own identity, and
// rewriteFK keeps the reference another way.

// subtypeLink is a subtype's foreign key to the table it extends.
type subtypeLink struct {
	ref *tableState
	fk  sourceFK
}

// keyIdentity is whose identity a table's rows take.
type keyIdentity struct {
	source, table string   // the root's source and source table
	keys          []string // the table's own key columns, in the order of the root's primary key
}

// linkSubtypes finds every subtype's parent, then its root. A chain that
// comes back to itself has no root: it is reported, and its tables keep
// their own identities.
func (b *builder) linkSubtypes() {
	for _, st := range b.list {
		st.parent = b.subtypeLink(st)
	}
	for _, st := range b.list {
		b.resolveIdentity(st, nil)
	}
}

// subtypeLink is the first foreign key (source's first, then the column
// rules') whose columns are exactly the table's primary key and which
// references a parent's whole key; nil when there is none.
func (b *builder) subtypeLink(st *tableState) *subtypeLink {
	if st.t.Keys != config.KeysUUID || st.merge != nil || len(st.src.PrimaryKey) == 0 {
		return nil
	}
	for _, f := range b.foreignKeys(st) {
		ref := b.states[f.RefSource+"."+f.RefTable]
		if ref != nil && ref != st && sameSet(f.Columns, st.src.PrimaryKey) && canBeParent(ref) && referencesWholeKey(f, ref) {
			return &subtypeLink{ref: ref, fk: f}
		}
	}
	return nil
}

// canBeParent reports whether a table's rows have an identity computed
// from their key, which a subtype can take.
func canBeParent(st *tableState) bool {
	if st.t.Keys != config.KeysUUID || len(st.src.PrimaryKey) == 0 {
		return false
	}
	return st.merge == nil || len(st.merge.m.MatchOn) == 0
}

// resolveIdentity sets st.identity from its parent's, resolving the parent
// first; visiting holds the subtypes whose parents are being resolved, to
// find a cycle. It returns nil for a table in or behind a cycle.
func (b *builder) resolveIdentity(st *tableState, visiting []*tableState) *keyIdentity {
	switch {
	case st.identity != nil:
		return st.identity
	case st.parent == nil:
		own := st.rootIdentity()
		return &own
	case slices.Contains(visiting, st):
		b.failCycle(visiting[slices.Index(visiting, st):])
		return nil
	}
	pid := b.resolveIdentity(st.parent.ref, append(visiting, st))
	if pid == nil {
		return nil
	}
	st.identity = &keyIdentity{source: pid.source, table: pid.table, keys: throughFK(pid.keys, st.parent.fk)}
	return st.identity
}

// failCycle reports a cycle of subtypes once, from its first table by ID
// whichever table it was entered from.
func (b *builder) failCycle(cycle []*tableState) {
	k := 0
	for i, st := range cycle {
		if st.t.ID < cycle[k].t.ID {
			k = i
		}
	}
	cycle = slices.Concat(cycle[k:], cycle[:k])
	ids := make([]string, 0, len(cycle)+1)
	for _, st := range cycle {
		ids = append(ids, st.t.ID)
	}
	ids = append(ids, cycle[0].t.ID)
	first := cycle[0]
	b.fail(first.tableLine(), first.tableKey(), "keys: uuid: the primary key of each of these tables is a foreign key to the next one's key (%s): a table whose key references another's takes that table's row uuids, and this cycle has no table to take them from; set keys: keep on one of them (its key stays as it is, and the references to it are kept as legacy keys)",
		strings.Join(ids, " -> "))
}

// rootIdentity is whose identity st's rows take: its root's, or its own.
func (st *tableState) rootIdentity() keyIdentity {
	if st.identity != nil {
		return *st.identity
	}
	return keyIdentity{source: st.t.Source, table: st.t.SourceTable, keys: st.src.PrimaryKey}
}

// markIdentity makes a row uuid of st, or a reference to st, name the root
// whose identity st's rows take, when it is another table's.
func (st *tableState) markIdentity(c *Column) {
	if st.identity != nil {
		c.IdentitySource, c.IdentityTable = st.identity.source, st.identity.table
	}
}

// sharesIdentity reports whether the foreign key f, whose columns are st's
// primary key, references rows whose identity is st's own: st's row uuid
// then already is the reference, and the constraint is on it.
func (st *tableState) sharesIdentity(ref *tableState, f sourceFK) bool {
	if !st.hasRowUUID() || !sameSet(f.Columns, st.src.PrimaryKey) || !canBeParent(ref) {
		return false
	}
	own, theirs := st.rootIdentity(), ref.rootIdentity()
	return own.source == theirs.source && own.table == theirs.table && slices.Equal(own.keys, throughFK(theirs.keys, f))
}

func (st *tableState) hasRowUUID() bool {
	return slices.ContainsFunc(st.t.Columns, func(c Column) bool { return c.Role == RoleRowUUID })
}

// throughFK maps columns of the referenced table (a subset of f's
// referenced columns) to the referencing columns of f.
func throughFK(refCols []string, f sourceFK) []string {
	cols := make([]string, len(refCols))
	for i, rc := range refCols {
		cols[i] = f.Columns[slices.Index(f.RefColumns, rc)]
	}
	return cols
}

// sameSet reports whether a and b hold the same column names, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
