package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/verify"
)

// A cutover proves the rows of its large tables mostly before the freeze,
// so that the freeze lasts seconds: levels 3, 5 and 6 (the passes over
// every row) run first while the sources still take writes, and then, in
// passes each shorter than the last, again on the rows of the keys the
// stream changed meanwhile or that differed. Under the freeze only the rows
// changed since the last pass, or that differed in it, are read again (for
// level 3: those rows' references, and the references to the parent rows
// changed since; verify/orphans_keyset.go); counts and levels 2 and 4 are
// whole, as always.
//
// Why that is a proof: one cutover process holds the migration lock, so the
// target's tables change only by its own stream applying the sources'
// changes, and nothing is applied while a pass reads. A pass reads the
// target at the position the stream stands at, and the sources at or after
// it. A row whose key no change after that position touched is, at the
// freeze position, what both sides held when the pass compared it; the
// stream tells of every change it applies (stream.Mapper.Watch), including
// the drain's. So a row the pass found equal and that no later change
// touched is equal at the freeze. Every change after the first pass goes
// through the stream in this process: a resumed cutover (a new process)
// has no passes and proves every row under the freeze.

// maxPasses bounds the passes before the freeze; passes stop sooner once
// the rows to read again are few enough for the freeze.
const (
	maxPasses       = 4
	freezeReadLimit = 5000 // keys left for the freeze to read
)

// provenRows is what the passes before the freeze proved, and what the
// stream changed since.
type provenRows struct {
	mu      sync.Mutex
	pass    int                       // the pass under way or last run, 0 before the first
	tables  []*plan.Table             // the tables proven by passes
	touched map[string]map[int64]int  // per table, key -> the pass during or after which the stream last changed it
	anyAt   map[string]int            // per table, the pass after which a change touched rows by no integer key
	differ  map[string]map[int64]bool // per table, the keys the last pass that read them found different
	whole   map[string]bool           // per table, the last pass found a difference without an integer key
}

func newProvenRows(tables []*plan.Table) *provenRows {
	return &provenRows{tables: tables, touched: map[string]map[int64]int{}, anyAt: map[string]int{},
		differ: map[string]map[int64]bool{}, whole: map[string]bool{}}
}

// touch is the stream's Watch: the rows each applied change touched.
func (p *provenRows) touch(table string, key []any, all bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, ok := intKey(key)
	if all || !ok {
		p.anyAt[table] = p.pass
		return
	}
	if p.touched[table] == nil {
		p.touched[table] = map[int64]int{}
	}
	p.touched[table][k] = p.pass
}

// intKey is a one-column integer key as an int64.
func intKey(key []any) (int64, bool) {
	if len(key) != 1 {
		return 0, false
	}
	switch v := key[0].(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case int:
		return int64(v), true
	case uint64:
		return int64(v), v <= 1<<63-1
	case uint32:
		return int64(v), true
	}
	return 0, false
}

// keys returns, per table, the keys to read again after the last pass: those
// that differed in it and those changed since it began; a table with a
// change or difference not tied to an integer key is left out (read whole).
func (p *provenRows) keys() (map[string][]int64, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out, n := map[string][]int64{}, 0
	for _, t := range p.tables {
		if at, ok := p.anyAt[t.ID]; p.whole[t.ID] || ok && at >= p.pass {
			continue
		}
		set := maps.Clone(p.differ[t.ID])
		if set == nil {
			set = map[int64]bool{}
		}
		for k, at := range p.touched[t.ID] {
			if at >= p.pass {
				set[k] = true
			}
		}
		out[t.ID] = slices.Collect(maps.Keys(set))
		n += len(set)
	}
	return out, n
}

// found is verify's OnFinding: the key of a row that differs, or a table to
// read whole when the finding names no integer key.
func (p *provenRows) found(f verify.Finding) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, err := strconv.ParseInt(f.LegacyKey, 10, 64)
	if err != nil {
		p.whole[f.Table] = true
		return
	}
	if p.differ[f.Table] == nil {
		p.differ[f.Table] = map[int64]bool{}
	}
	p.differ[f.Table][k] = true
}

// begin starts pass n: what it will find replaces what earlier ones found.
func (p *provenRows) begin(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pass, p.differ, p.whole = n, map[string]map[int64]bool{}, map[string]bool{}
}

// provableTables are the tables whose rows passes can prove: verify reads
// them by key, from a source that can.
func (c *cutover) provableTables() []*plan.Table {
	var out []*plan.Table
	for _, t := range c.p.Plan.Tables {
		if _, ok := c.p.Sources[t.Source].(sluice.KeySetReader); ok && verify.KeySetCheckable(t) {
			out = append(out, t)
		}
	}
	return out
}

// passLevels are the levels of the proof that read every row, which the
// passes prove: 3 (the search for orphans), 5 and 6.
func passLevels(levels []int) []int {
	return slices.DeleteFunc(slices.Clone(levels), func(l int) bool {
		return l != verify.LevelOrphans && l != verify.LevelLegacy && l != verify.LevelContent
	})
}

// proveBefore runs the passes before the freeze, catching the stream up
// after each, until the rows left for the freeze to read are few. It
// leaves c.proven nil (the freeze proves every row) when no table can be
// proven so.
func (c *cutover) proveBefore(ctx context.Context) error {
	levels, tables := passLevels(c.levels), c.provableTables()
	if len(levels) == 0 || len(tables) == 0 {
		return nil
	}
	p := newProvenRows(tables)
	for _, cp := range c.caps {
		cp.mapper.Watch(p.touch)
	}
	for n := 1; n <= maxPasses; n++ {
		keys, left := p.keys()
		if n > 1 && left <= freezeReadLimit && len(keys) == len(tables) {
			break
		}
		if err := c.pass(ctx, p, n, levels, keys); err != nil {
			return err
		}
		if err := c.catchUp(ctx); err != nil {
			return err
		}
	}
	c.proven = p
	return nil
}

// pass runs pass n of levels over the provable tables: whole on the first,
// else on keys (tables not in keys whole).
func (c *cutover) pass(ctx context.Context, p *provenRows, n int, levels []int, keys map[string][]int64) error {
	start := time.Now()
	p.begin(n)
	pl := *c.p.Plan
	pl.Tables = p.tables
	o, err := verifyOptions(ctx, c.tgt, levels)
	if err != nil {
		return err
	}
	o.OnFinding = p.found
	if n > 1 {
		o.Keys = keys
	}
	if _, err := verify.All(ctx, &pl, c.p.Sources, c.tgt, o); err != nil {
		return fmt.Errorf("prove the rows before the freeze (pass %d): %w", n, err)
	}
	read := "every row"
	if n > 1 {
		read = fmt.Sprintf("the rows of %d keys changed or different since the pass before", countKeys(keys))
	}
	fmt.Fprintf(c.g.stderr, "cutover: proof before the freeze, pass %d: %s, %s\n", n, read, time.Since(start).Round(time.Millisecond))
	return nil
}

func countKeys(keys map[string][]int64) int {
	n := 0
	for _, k := range keys {
		n += len(k)
	}
	return n
}

// frozenKeys are verify's Keys for the proof under the freeze: nil (every
// row) when no passes ran in this process.
func (c *cutover) frozenKeys() (map[string][]int64, int) {
	if c.proven == nil {
		return nil, 0
	}
	return c.proven.keys()
}
