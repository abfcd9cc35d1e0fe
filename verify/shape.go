package verify

import (
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// shape is how a planned table's target rows are found and matched to its
// source rows. Indexes point into t.Columns.
type shape struct {
	t       *plan.Table
	rowUUID int   // the row's UUID column, -1 when none
	legacy  int   // the legacy key column, -1 when none
	ident   []int // the columns that identify a row: its UUID, or the key's value columns; nil when the table has no usable key
	// rangeOn lists the columns that sort in the target exactly as the source
	// key sorts (integers), in key order: a chunk's target rows are then the
	// key range of the source chunk, which also finds rows the source lacks.
	// Nil selects a chunk's target rows by their identities instead.
	rangeOn []int
}

func shapeOf(t *plan.Table) shape {
	s := shape{t: t, rowUUID: -1, legacy: -1}
	for i, c := range t.Columns {
		switch c.Role {
		case plan.RoleRowUUID, plan.RoleMatchUUID:
			s.rowUUID = i // a matched part's row is identified by its entity
		case plan.RoleLegacyKey:
			s.legacy = i
		}
	}
	if t.Expansion != nil {
		// a child row is identified by its UUID (its parent's key and its
		// ordinal); a chunk's children are selected by their parents.
		s.ident = []int{slices.IndexFunc(t.Columns, func(c plan.Column) bool { return c.Role == plan.RoleExpandUUID })}
		if s.ident[0] < 0 {
			s.ident = nil
		}
		return s
	}
	if s.uuidKeys() {
		s.ident = []int{s.rowUUID}
		lc := t.Columns[s.legacy]
		if slices.Equal(lc.KeyColumns, t.Key) && len(t.Key) == 1 && integral(lc) {
			s.rangeOn = []int{s.legacy}
		}
		return s
	}
	s.ident = valueColumns(t, t.Key)
	if s.ident != nil && !slices.ContainsFunc(s.ident, func(i int) bool { return !integral(t.Columns[i]) }) {
		s.rangeOn = s.ident
	}
	return s
}

// uuidKeys reports a keys: uuid table: a row UUID and the legacy key.
func (s shape) uuidKeys() bool { return s.rowUUID >= 0 && s.legacy >= 0 }

// keyed reports whether rows can be matched one to one.
func (s shape) keyed() bool { return len(s.ident) > 0 }

// valueColumns finds the target columns holding the source columns names as
// plain values, or nil when one is not kept (a row id, a rewritten key).
func valueColumns(t *plan.Table, names []string) []int {
	if len(names) == 0 {
		return nil
	}
	idx := make([]int, 0, len(names))
	for _, name := range names {
		i := slices.IndexFunc(t.Columns, func(c plan.Column) bool { return c.Role == plan.RoleValue && c.Source == name })
		if i < 0 {
			return nil
		}
		idx = append(idx, i)
	}
	return idx
}

// integral reports an integer source column kept as an integer: it sorts
// the same in every engine.
func integral(c plan.Column) bool {
	k := c.SourceType.Kind
	if k != sluice.KindInt && k != sluice.KindYear {
		return false
	}
	switch baseType(c.Type) {
	case "smallint", "integer", "bigint", "numeric":
		return true
	}
	return false
}

// project narrows t to its columns idx, and the source columns they are
// computed from: level 5 alone needs only the row UUID and the legacy key,
// the search for extra rows only the identity.
func project(t *plan.Table, idx []int) *plan.Table {
	v := *t
	v.Columns = nil
	need := map[string]bool{}
	for i, c := range t.Columns {
		if !slices.Contains(idx, i) {
			continue
		}
		v.Columns = append(v.Columns, c)
		need[c.Source] = true
		for _, k := range c.KeyColumns {
			need[k] = true
		}
	}
	v.ReadColumns = nil
	for _, name := range t.ReadColumns {
		if need[name] {
			v.ReadColumns = append(v.ReadColumns, name)
		}
	}
	return &v
}
