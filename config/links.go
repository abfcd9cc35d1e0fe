package config

// owner is the merge rule whose from: lists a source table, and the line of
// that item.
type owner struct {
	rule *MergeRule
	line int
}

// link checks what ties source table rules to merge rules: a source table
// feeds at most one merged target table, takes its name, strategy and
// database from it, and only a table that feeds one has a fill:.
func (d *decoder) link(rules []tableEntry, merges []mergeEntry, df Defaults) {
	owners := d.owners(merges)
	for _, t := range rules {
		if o, ok := owners[t.rule.Source+"."+t.rule.Table]; ok {
			d.linkPart(t, o)
		} else {
			d.linkSingle(t, df)
		}
	}
}

// owners maps each source table listed in a from: to its merge rule,
// reporting one listed in a second from:.
func (d *decoder) owners(merges []mergeEntry) map[string]owner {
	out := map[string]owner{}
	for i := range merges {
		for _, it := range merges[i].from {
			if o, dup := out[it.name]; dup {
				d.fail(it.line, it.path, "%s already feeds %s (from: at line %d); a source table feeds one target table",
					quote(it.name), quote(o.rule.Table), o.line)
				continue
			}
			out[it.name] = owner{rule: &merges[i].rule, line: it.line}
		}
	}
	return out
}

// linkPart checks the rule of a source table that a merge rule lists.
func (d *decoder) linkPart(t tableEntry, o owner) {
	into := quote(o.rule.Table)
	if v, ok := t.keys["target"]; ok && t.rule.Target != "" && t.rule.Target != o.rule.Table {
		d.fail(v.line, v.path, "%s is not %s, the merged target table this table feeds (from: at line %d); remove target: or make them equal",
			quote(t.rule.Target), into, o.line)
	}
	for _, k := range []string{"strategy", "database"} {
		if v, ok := t.keys[k]; ok {
			d.fail(v.line, v.path, "a table merged into %s takes its %s from that table's rule (line %d); set it there", into, k, o.rule.Line)
		}
	}
	if v, ok := t.keys["skip"]; ok && t.rule.Skip {
		d.fail(v.line, v.path, "cannot skip a table that feeds %s (from: at line %d); remove it from that list instead", into, o.line)
	}
}

// linkSingle checks the rule of a source table that feeds no merged table.
func (d *decoder) linkSingle(t tableEntry, df Defaults) {
	if v, ok := t.keys["fill"]; ok {
		d.fail(v.line, v.path, "fill applies to tables merged into one target; %s is in no from: list",
			quote(t.rule.Source+"."+t.rule.Table))
	}
	v, ok := t.keys["delete_missing"]
	if !ok || t.rule.DeleteMissing == nil || !*t.rule.DeleteMissing {
		return
	}
	s := or(t.rule.Strategy, or(df.Strategy, DefaultStrategy))
	if hasKey(t.keys, "strategy") && t.rule.Strategy == "" || t.rule.Strategy == "" && d.badStrategy {
		return // the strategy's own problem is reported
	}
	if s == StrategyCreate || s == StrategyTruncate {
		d.fail(v.line, v.path, "applies to tables loaded with merge or append; this table is loaded with %s", s)
	}
}
