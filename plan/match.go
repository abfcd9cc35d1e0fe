package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice/config"
)

// References to a table merged on a natural key (match_on): a referencing
// value is computed from the referenced source row's legacy key, as every
// uuid reference is, but the merged row's identity is the match uuid of its
// natural key. The load looks the computed value up in sluice.legacy_keys,
// which the parts fill as they load, so a table holding such a reference
// waits for every part. legacy_keys lives in the merged table's database:
// the reference must load into the same one.

// resolveMatches marks the references to tables merged on match_on and
// makes their tables wait for the parts.
func (b *builder) resolveMatches() {
	for _, st := range b.list {
		for i := range st.t.Columns {
			if c := &st.t.Columns[i]; c.Role == RoleRefUUID {
				b.resolveMatch(st, c)
			}
		}
	}
	for _, st := range b.list {
		b.checkWait(st)
	}
}

func (b *builder) resolveMatch(st *tableState, c *Column) {
	ref := b.states[c.RefSource+"."+c.RefTable]
	if ref == nil || ref.merge == nil || len(ref.merge.m.MatchOn) == 0 {
		return
	}
	if ref.t.Database != st.t.Database {
		line, key := b.columnLocation(st, c)
		b.fail(line, key, "column %s references the merged table %s in database %s, whose rows are matched on (%s): the match is looked up in that database, so %s must load into %s too",
			c.Name, ref.t.Name, ref.t.Database, joinCols(ref.merge.m.MatchOn), st.t.ID, ref.t.Database)
		return
	}
	c.ResolveMatch = true
	for _, id := range ref.merge.m.Parts {
		if !slices.Contains(st.t.DependsOn, id) {
			st.t.DependsOn = append(st.t.DependsOn, id)
		}
	}
}

// checkWait reports a table that would wait for itself: a reference to a
// matched table from one of its own parts, or a cycle of such references.
func (b *builder) checkWait(st *tableState) {
	path := b.waitPath(st.t.ID, st.t.ID, map[string]bool{})
	if path == nil {
		return
	}
	c := st.t.Columns[slices.IndexFunc(st.t.Columns, func(c Column) bool {
		ref := b.states[c.RefSource+"."+c.RefTable]
		return c.ResolveMatch && slices.Contains(ref.merge.m.Parts, path[0])
	})]
	line, key := b.columnLocation(st, &c)
	b.fail(line, key, "column %s references the merged table %s, whose rows are matched on match_on: such a reference is resolved after every part of it is loaded, but %s would then wait for itself (%s)",
		c.Name, b.states[c.RefSource+"."+c.RefTable].t.Name, st.t.ID, strings.Join(append([]string{st.t.ID}, path...), " -> "))
}

// waitPath is the chain of DependsOn from id that reaches target, or nil.
func (b *builder) waitPath(id, target string, seen map[string]bool) []string {
	st := b.states[id]
	if st == nil || seen[id] {
		return nil
	}
	seen[id] = true
	for _, dep := range st.t.DependsOn {
		if dep == target {
			return []string{dep}
		}
		if rest := b.waitPath(dep, target, seen); rest != nil {
			return append([]string{dep}, rest...)
		}
	}
	return nil
}

// matchText describes how a merged table settles its rows, for the plan.
func matchText(m *Merged) string {
	if len(m.MatchOn) == 0 {
		return "rows kept apart by source"
	}
	prefer := strings.Join(m.Prefer, " > ")
	switch m.Conflict {
	case config.ConflictLatest:
		return fmt.Sprintf("match on %s, latest %s, then prefer %s", joinCols(m.MatchOn), m.Latest, prefer)
	case config.ConflictManual:
		return fmt.Sprintf("match on %s, manual: conflicts queued, rows loaded from %s", joinCols(m.MatchOn), prefer)
	}
	return fmt.Sprintf("match on %s, prefer %s", joinCols(m.MatchOn), prefer)
}
