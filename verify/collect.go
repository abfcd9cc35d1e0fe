package verify

import "sync"

// collector gathers one table's findings from concurrent checks: every
// finding is counted, the first MaxFindings of each level are kept.
type collector struct {
	mu     sync.Mutex
	table  string
	max    int
	levels map[int]bool
	counts map[int]int
	kept   map[int][]Finding
	on     func(Finding) // Options.OnFinding
}

func newCollector(table string, o Options) *collector {
	c := &collector{table: table, max: o.MaxFindings, levels: map[int]bool{},
		counts: map[int]int{}, kept: map[int][]Finding{}, on: o.OnFinding}
	for _, l := range o.Levels {
		c.levels[l] = true
	}
	return c
}

// add records f, unless its level was not asked for (levels 5 and 6 share
// one pass over the rows, which finds both kinds).
func (c *collector) add(f Finding) {
	f.Table = c.table
	if c.on != nil {
		c.on(f) // every finding, of any level: a cutover re-reads its row
	}
	if !c.levels[f.Level] {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[f.Level]++
	if len(c.kept[f.Level]) < c.max {
		c.kept[f.Level] = append(c.kept[f.Level], f)
	}
}

// count returns how many findings level has.
func (c *collector) count(level int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[level]
}

// findings returns the kept findings of every level, sorted.
func (c *collector) findings() []Finding {
	c.mu.Lock()
	defer c.mu.Unlock()
	var all []Finding
	for _, l := range Levels {
		all = append(all, c.kept[l]...)
	}
	sortFindings(all)
	return all
}

// uncounted counts n findings of level that were not kept (a query
// returned only a sample of them).
func (c *collector) uncounted(level, n int) {
	if n <= 0 || !c.levels[level] {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[level] += n
}
