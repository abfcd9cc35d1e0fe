package config

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	mergeKeys = []string{"from", "match_on", "prefer", "latest", "manual", "source_column", "database",
		"strategy", "delete_missing", "rollback", "new_rows"}
	mergeStrategyValues = []string{StrategyMerge, StrategyAppend}
)

// mergeEntry is a decoded merge rule with the items of its from: list that
// are valid, for the checks that tie it to the table rules.
type mergeEntry struct {
	rule MergeRule
	from []field // name is "<source>.<table>"
}

func mergeRules(es []mergeEntry) []MergeRule {
	var out []MergeRule
	for _, e := range es {
		out = append(out, e.rule)
	}
	return out
}

// mergeRule decodes a key without a dot under tables:, a target table fed by
// several source tables. One that looks like a source table's rule with its
// source left out gets a single error saying so.
func (d *decoder) mergeRule(f field) (mergeEntry, bool) {
	if f.node.Kind == yaml.SequenceNode {
		d.fail(f.line, f.path, "a merged target table needs from:; write the list of source tables under it")
		return mergeEntry{}, false
	}
	if looksLikeTableRule(f.node) {
		d.fail(f.line, f.path, "a merged target table needs from:, the \"<source>.<table>\" it merges%s", d.prefixHint(f.name))
		return mergeEntry{}, false
	}
	d.named(f, "a table")
	m := mergeEntry{rule: MergeRule{Table: f.name, Line: f.line, Conflict: ConflictPrefer}}
	fs, _ := d.object(f, mergeKeys)
	if v, ok := fs["from"]; ok {
		m.from = d.from(v)
		m.rule.From = names(m.from)
	} else {
		d.fail(f.line, f.path, "a merged target table needs from:, the \"<source>.<table>\" it merges")
	}
	d.mergeLoad(fs, &m.rule)
	d.conflict(f, fs, &m)
	if v, ok := fs["new_rows"]; ok {
		m.rule.NewRows = d.newRows(v, m.from)
	}
	return m, true
}

// newRows decodes the source that rows inserted on the merged target
// table after a cutover are written back to: one source of from:.
func (d *decoder) newRows(f field, from []field) string {
	src, ok := d.str(f, false)
	if !ok || !d.declared(f, f.path, src) {
		return ""
	}
	for _, it := range from {
		if sourceOf(it.name) == src {
			return src
		}
	}
	if len(from) > 0 {
		d.fail(f.line, f.path, "source %s feeds no table of from:", quote(src))
	}
	return src
}

// looksLikeTableRule: a scalar or empty body, or a key that only a source
// table's rule has, and no from:.
func looksLikeTableRule(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return true
	}
	hasFrom, tableOnly := false, false
	for i := 0; i < len(n.Content); i += 2 {
		k := resolve(n.Content[i]).Value
		hasFrom = hasFrom || k == "from"
		tableOnly = tableOnly || slices.Contains(tableKeys, k) && !slices.Contains(mergeKeys, k)
	}
	return tableOnly && !hasFrom
}

// prefixHint shows how the key of a source table's rule is written.
func (d *decoder) prefixHint(table string) string {
	srcs := make([]string, 0, len(d.sources))
	for s := range d.sources {
		srcs = append(srcs, s)
	}
	slices.Sort(srcs)
	switch len(srcs) {
	case 0:
		return "; a source table's rule is keyed \"<source>.<table>\""
	case 1:
		return "; did you mean " + quote(srcs[0]+"."+table) + "?"
	}
	return "; a source table's rule is keyed " + quote("<source>."+table) + " (sources: " + strings.Join(srcs, ", ") + ")"
}

// mergeLoad decodes where and how a merged target table is loaded.
func (d *decoder) mergeLoad(fs map[string]field, r *MergeRule) {
	if v, ok := fs["match_on"]; ok {
		cols, n := d.distinct(v)
		if n == 0 && v.node.Kind == yaml.SequenceNode {
			d.fail(v.line, v.path, "must name at least one target column")
		}
		r.MatchOn = names(cols)
	}
	if v, ok := fs["source_column"]; ok {
		r.SourceColumn, _ = d.str(v, false)
	}
	if v, ok := fs["database"]; ok {
		r.Database = d.database(v)
	}
	if v, ok := fs["strategy"]; ok {
		r.Strategy = d.mergeStrategy(v)
	}
	if v, ok := fs["delete_missing"]; ok {
		r.DeleteMissing = d.optionalBool(v)
	}
	if v, ok := fs["rollback"]; ok {
		r.Rollback = d.optionalBool(v)
	}
}

// mergeStrategy decodes merge or append; create and truncate would empty the
// rows the other sources loaded.
func (d *decoder) mergeStrategy(f field) string {
	if v := f.node.Value; f.node.Kind == yaml.ScalarNode && (v == StrategyCreate || v == StrategyTruncate) {
		d.fail(f.line, f.path, "%s does not apply to a merged target table: it holds the rows of several sources and is loaded with merge or append", quote(v))
		return ""
	}
	s, _ := d.enum(f, mergeStrategyValues)
	return s
}
