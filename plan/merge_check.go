package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// mergeState is one merged target table while it is planned.
type mergeState struct {
	rule          *config.MergeRule
	m             *Merged
	database      string
	strategy      string
	deleteMissing bool
	drift         *Drift
	union         []unionColumn // the value columns, once unified
}

func (ms *mergeState) key() string { return "tables." + ms.rule.Table }

// checkMerges reads the merge rules: it reports what cannot work and
// records, for each source table a from: lists, the merged table it feeds.
func (b *builder) checkMerges() {
	for i := range b.cfg.Merges {
		r := &b.cfg.Merges[i]
		ms := &mergeState{rule: r, m: &Merged{
			Table: r.Table, MatchOn: r.MatchOn, Latest: r.Latest,
			SourceColumn: or(r.SourceColumn, b.set.sourceColumn), LegacyColumn: b.set.legacy, NewRows: r.NewRows,
		}}
		b.checkFrom(ms)
		b.settleMerge(ms)
		b.merges = append(b.merges, ms)
	}
}

// checkFrom resolves the from: entries into parts: existing, planned
// source tables with a primary key, each in one merged table, from
// distinct sources (rows are told apart by source and legacy key).
func (b *builder) checkFrom(ms *mergeState) {
	r := ms.rule
	if len(r.From) < 2 {
		b.fail(r.Line, ms.key()+".from", "a merged table needs at least two source tables, got %d", len(r.From))
	}
	sources := map[string]string{}
	for _, id := range r.From {
		src, msg := b.fromTable(id)
		if msg == "" && sources[src.source] != "" {
			msg = fmt.Sprintf("%s and %s are both from source %s; the parts of a merged table come from distinct sources (rows are told apart by their source)", sources[src.source], id, src.source)
		}
		if msg == "" && b.mergeOf[id] != nil {
			msg = fmt.Sprintf("%s already feeds the merged table %s", id, b.mergeOf[id].rule.Table)
		}
		if msg != "" {
			b.fail(r.Line, ms.key()+".from", "%s", msg)
			continue
		}
		sources[src.source] = id
		b.mergeOf[id] = ms
		ms.m.Parts = append(ms.m.Parts, id)
	}
}

type fromRef struct {
	source string
	table  *sluice.Table
}

// fromTable finds a from: entry's source table, or says what is wrong.
func (b *builder) fromTable(id string) (fromRef, string) {
	source, table, ok := strings.Cut(id, ".")
	s := b.schema(source)
	switch {
	case !ok:
		return fromRef{}, fmt.Sprintf("%q: expected source.Table", id)
	case s == nil:
		return fromRef{}, fmt.Sprintf("%s: unknown source %q", id, source)
	case s.Table(table) == nil:
		return fromRef{}, fmt.Sprintf("%s: %s", id, missingTable(s, table))
	}
	t := s.Table(table)
	if rule := b.cfg.Rule(source, table); rule != nil && rule.Skip {
		return fromRef{}, fmt.Sprintf("%s is skipped (skip: true)", id)
	}
	if len(t.PrimaryKey) == 0 {
		return fromRef{}, fmt.Sprintf("%s has no primary key; each row of a merged table keeps its source row's key", id)
	}
	return fromRef{source: source, table: t}, ""
}

// settleMerge decides the merged table's conflict rule, database and
// strategy, and checks the parts' own rules against them.
func (b *builder) settleMerge(ms *mergeState) {
	r := ms.rule
	ms.m.Conflict = or(r.Conflict, config.ConflictPrefer)
	if r.Conflict == "" && r.Latest != "" {
		ms.m.Conflict = config.ConflictLatest
	}
	ms.m.Prefer = b.preferOrder(ms)
	if ms.m.Conflict == config.ConflictLatest && r.Latest == "" {
		b.fail(r.Line, ms.key()+".latest", "conflict latest needs latest: the target column whose later value wins")
	}
	ms.strategy = or(r.Strategy, config.StrategyMerge)
	if ms.strategy != config.StrategyMerge && ms.strategy != config.StrategyAppend {
		b.fail(r.Line, ms.key()+".strategy", "strategy %s cannot load a merged table, whose rows come from several sources; use merge or append", ms.strategy)
	}
	ms.deleteMissing = b.set.deleteMissing
	if r.DeleteMissing != nil {
		ms.deleteMissing = *r.DeleteMissing
	}
	b.checkDatabase(r.Line, ms.key()+".database", r.Database)
	ms.database = r.Database
	ms.m.LegacyColumn = b.mergedLegacy(ms)
	for _, id := range ms.m.Parts {
		b.checkPartRule(ms, id)
	}
}

// preferOrder is prefer: with the parts' sources it leaves out appended
// in from order, so that every source has a rank.
func (b *builder) preferOrder(ms *mergeState) []string {
	var sources []string
	for _, id := range ms.m.Parts {
		sources = append(sources, strings.SplitN(id, ".", 2)[0])
	}
	var order []string
	for _, p := range ms.rule.Prefer {
		if !slices.Contains(sources, p) {
			b.fail(ms.rule.Line, ms.key()+".prefer", "prefer: %q is not the source of a table in from (%s)%s", p, joinCols(sources), suggest(p, sources))
			continue
		}
		if !slices.Contains(order, p) {
			order = append(order, p)
		}
	}
	for _, s := range sources {
		if !slices.Contains(order, s) {
			order = append(order, s)
		}
	}
	return order
}

// checkPartRule checks what a part's own rule says against its merged
// table: the target table, database, strategy and legacy column belong to
// the merged table, so a part can only repeat them.
func (b *builder) checkPartRule(ms *mergeState, id string) {
	source, table, _ := strings.Cut(id, ".")
	rule := b.cfg.Rule(source, table)
	if rule == nil {
		return
	}
	key := "tables." + id
	if rule.Target != "" && rule.Target != ms.rule.Table {
		b.fail(rule.Line, key+".target", "%s feeds the merged table %s (%s.from); its target must be empty or %s", id, ms.rule.Table, ms.key(), ms.rule.Table)
	}
	if rule.Database != "" && ms.database == "" {
		ms.database = rule.Database
	} else if rule.Database != "" && rule.Database != ms.database {
		b.fail(rule.Line, key+".database", "%s feeds the merged table %s, which loads into database %s; a part cannot load into %s", id, ms.rule.Table, ms.database, rule.Database)
	}
	if rule.Strategy != "" && rule.Strategy != ms.strategy {
		b.fail(rule.Line, key+".strategy", "%s feeds the merged table %s, loaded with strategy %s (%s.strategy); a part cannot use %s", id, ms.rule.Table, ms.strategy, ms.key(), rule.Strategy)
	}
	b.checkPartLegacy(ms, id, rule)
	if rule.Keys == config.KeysKeep {
		b.warn(id, fmt.Sprintf("keys: keep is ignored: the merged table %s identifies its rows with uuids (keys: uuid)", ms.rule.Table))
	}
}

// checkPartLegacy: the parts share one legacy column, named by the first
// part rule that names one (else the default).
func (b *builder) checkPartLegacy(ms *mergeState, id string, rule *config.TableRule) {
	if rule.LegacyColumn != "" && rule.LegacyColumn != ms.m.LegacyColumn {
		b.fail(rule.Line, "tables."+id+".legacy_column", "%s feeds the merged table %s, whose legacy column is %s; the parts share one legacy column", id, ms.rule.Table, ms.m.LegacyColumn)
	}
}

// mergedLegacy is the legacy column the first part rule names, else the default.
func (b *builder) mergedLegacy(ms *mergeState) string {
	for _, id := range ms.m.Parts {
		source, table, _ := strings.Cut(id, ".")
		if rule := b.cfg.Rule(source, table); rule != nil && rule.LegacyColumn != "" {
			return rule.LegacyColumn
		}
	}
	return b.set.legacy
}
