package plan

import (
	"fmt"

	"github.com/sluicedb/sluice/config"
)

// Strategies: create and truncate load into an empty table; merge and
// append load into a table that holds rows, comparing each incoming row
// with the target's by the hash of its content, kept in HashColumn. A
// table's strategy is its rule's, else the default; a merged table's is
// its merge rule's, else merge.

// hashed reports whether a strategy keeps the row hash.
func hashed(strategy string) bool {
	return strategy == config.StrategyMerge || strategy == config.StrategyAppend
}

// settleStrategies gives every merge or append table its row hash as the
// last column, after every column the hash covers. Those strategies match
// incoming rows with the target's by the primary key, so a table without
// one cannot use them; delete_missing means nothing for the others.
func (b *builder) settleStrategies() {
	for _, st := range b.list {
		t := st.t
		t.DeleteMissing = t.DeleteMissing && hashed(t.Strategy)
		if !hashed(t.Strategy) {
			continue
		}
		if len(t.PrimaryKey) == 0 {
			b.keyless(st)
			continue
		}
		// Nullable: a row the application inserts has no hash, which is how
		// delete_missing tells the rows Sluice loaded from the others.
		t.Columns = append(t.Columns, Column{Name: HashColumn, Type: "bytea", Role: RoleRowHash})
	}
}

// strategyLocation is the rule that sets the table's strategy: its own,
// else the defaults.
func (st *tableState) strategyLocation() (int, string) {
	if st.rule != nil && st.rule.Strategy != "" {
		return st.rule.Line, st.tableKey() + ".strategy"
	}
	return 0, "defaults.strategy"
}

// keyless settles a merge or append table without a primary key: rows
// cannot be matched, so a rule asking for it is an error, and a table that
// only inherits it from the defaults is reloaded in full on every run
// (truncate), with a warning, so that one keyless table does not stop a
// whole database from being merged.
func (b *builder) keyless(st *tableState) {
	t := st.t
	line, key := st.strategyLocation()
	if key != "defaults.strategy" || t.Merged != nil || t.Expansion != nil {
		b.fail(line, key, "strategy %s matches rows by the primary key, and %s has none; use create or truncate for it", t.Strategy, t.ID)
		return
	}
	b.warn(t.ID, fmt.Sprintf("no primary key, which strategy %s needs to match rows: loaded with truncate (in full, on every run)", t.Strategy))
	t.Strategy, t.DeleteMissing = config.StrategyTruncate, false
}
