package plan

import (
	"fmt"
	"slices"
	"strings"
)

// loadOrder sorts the tables so that referenced tables come before the
// tables referencing them, by source then table name otherwise. A foreign
// key cycle is broken at its first table by that order, with a warning.
//
// The order is a courtesy, not a requirement: foreign keys are added after
// the data (NOT VALID, then validated), never enforced while loading, so
// tables load in parallel in any order and DependsOn stays nil. Enforcing
// them during the load would make a cycle unloadable and serialise workers.
func (b *builder) loadOrder() []*Table {
	sorted := slices.Clone(b.list)
	slices.SortStableFunc(sorted, func(x, y *tableState) int {
		if c := strings.Compare(x.t.Source, y.t.Source); c != 0 {
			return c
		}
		return strings.Compare(x.t.SourceTable, y.t.SourceTable)
	})
	deps := b.dependencies()
	placed := map[*Table]bool{}
	var order []*Table
	for len(order) < len(sorted) {
		next := firstReady(sorted, deps, placed)
		if next == nil {
			next = b.breakCycle(sorted, deps, placed)
		}
		placed[next] = true
		order = append(order, next)
	}
	return order
}

// dependencies maps each table to the tables its foreign keys reference,
// itself excluded (a self-reference never orders anything).
func (b *builder) dependencies() map[*Table][]*Table {
	byName := map[string]*Table{}
	for _, st := range b.list {
		byName[st.t.Name] = st.t
	}
	deps := map[*Table][]*Table{}
	for _, st := range b.list {
		for _, fk := range st.t.ForeignKeys {
			ref := byName[fk.RefTable]
			if ref != nil && ref != st.t && !slices.Contains(deps[st.t], ref) {
				deps[st.t] = append(deps[st.t], ref)
			}
		}
	}
	return deps
}

func firstReady(sorted []*tableState, deps map[*Table][]*Table, placed map[*Table]bool) *Table {
	for _, st := range sorted {
		if !placed[st.t] && ready(st.t, deps, placed) {
			return st.t
		}
	}
	return nil
}

func ready(t *Table, deps map[*Table][]*Table, placed map[*Table]bool) bool {
	for _, d := range deps[t] {
		if !placed[d] {
			return false
		}
	}
	return true
}

// breakCycle finds the cycle reached from the first unplaced table (each
// step following its first unplaced dependency in sort order), warns naming
// it from its first member, and returns that member to load next.
func (b *builder) breakCycle(sorted []*tableState, deps map[*Table][]*Table, placed map[*Table]bool) *Table {
	rank := map[*Table]int{}
	var path []*Table
	for i, st := range sorted {
		rank[st.t] = i
		if path == nil && !placed[st.t] {
			path = []*Table{st.t}
		}
	}
	for {
		next := firstUnplaced(deps[path[len(path)-1]], rank, placed)
		if i := slices.Index(path, next); i >= 0 {
			return b.warnCycle(path[i:], rank)
		}
		path = append(path, next)
	}
}

func firstUnplaced(ts []*Table, rank map[*Table]int, placed map[*Table]bool) *Table {
	var best *Table
	for _, t := range ts {
		if !placed[t] && (best == nil || rank[t] < rank[best]) {
			best = t
		}
	}
	return best
}

func (b *builder) warnCycle(cycle []*Table, rank map[*Table]int) *Table {
	first := 0
	for i, t := range cycle {
		if rank[t] < rank[cycle[first]] {
			first = i
		}
	}
	cycle = slices.Concat(cycle[first:], cycle[:first])
	names := make([]string, 0, len(cycle)+1)
	for _, t := range slices.Concat(cycle, cycle[:1]) {
		names = append(names, t.ID)
	}
	b.warn("", fmt.Sprintf("foreign key cycle %s: %s is loaded first; foreign keys are added after the data, so the cycle does not block the load",
		strings.Join(names, " -> "), cycle[0].ID))
	return cycle[0]
}
