package plan

import (
	"fmt"
	"slices"
	"strings"
)

// loadOrder sorts the tables so that referenced tables come before the
// tables referencing them, by source then table name otherwise. A foreign
// key cycle is broken at its first table by that order, with a warning.
// The parts of a merged table are one unit, loaded one after the other in
// from order, where its first part would be.
//
// The order is a courtesy, not a requirement: foreign keys are added after
// the data (NOT VALID, then validated), never enforced while loading, so
// tables load in parallel in any order. Only a reference to a table merged
// on match_on waits (DependsOn), and the order has it after what it waits for.
func (b *builder) loadOrder() []*Table {
	units := b.units()
	var sorted []*tableState
	for _, st := range b.list {
		if units[st.t] != nil {
			sorted = append(sorted, st)
		}
	}
	slices.SortStableFunc(sorted, func(x, y *tableState) int {
		if c := strings.Compare(x.t.Source, y.t.Source); c != 0 {
			return c
		}
		return strings.Compare(x.t.SourceTable, y.t.SourceTable)
	})
	deps := b.dependencies(units)
	placed := map[*Table]bool{}
	var order []*Table
	for len(placed) < len(sorted) {
		next := firstReady(sorted, deps, placed)
		if next == nil {
			next = b.breakCycle(sorted, deps, placed)
		}
		placed[next] = true
		order = append(order, units[next]...)
	}
	return order
}

// units maps the first table of each unit of the load order to the unit's
// tables: a merged table's parts in from order, or the table alone.
func (b *builder) units() map[*Table][]*Table {
	units := map[*Table][]*Table{}
	for _, st := range b.list {
		switch parts := st.mergeParts(b); {
		case parts == nil:
			units[st.t] = []*Table{st.t}
		case parts[0] == st.t:
			units[st.t] = parts
		}
	}
	return units
}

// mergeParts are the tables of st's merged table, or nil.
func (st *tableState) mergeParts(b *builder) []*Table {
	if st.merge == nil {
		return nil
	}
	var ts []*Table
	for _, p := range b.parts(st.merge) {
		ts = append(ts, p.t)
	}
	return ts
}

// dependencies maps each unit to the units its foreign keys reference and
// its tables wait for, itself excluded (a self-reference never orders
// anything).
func (b *builder) dependencies(units map[*Table][]*Table) map[*Table][]*Table {
	unitOf := map[*Table]*Table{}
	for first, ts := range units {
		for _, t := range ts {
			unitOf[t] = first
		}
	}
	byName := map[string]*Table{}
	for _, st := range b.list {
		byName[st.t.Database+"."+st.t.Name] = unitOf[st.t]
	}
	deps := map[*Table][]*Table{}
	add := func(from, to *Table) {
		if to != nil && to != from && !slices.Contains(deps[from], to) {
			deps[from] = append(deps[from], to)
		}
	}
	for _, st := range b.list {
		from := unitOf[st.t]
		for _, fk := range st.t.ForeignKeys {
			add(from, byName[or(fk.RefDatabase, st.t.Database)+"."+fk.RefTable])
		}
		for _, id := range st.t.DependsOn {
			add(from, unitOf[b.states[id].t])
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
