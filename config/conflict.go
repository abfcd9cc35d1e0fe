package config

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// conflict decodes how a merged target table settles sources that disagree
// on a matched row: prefer (the default), latest or manual, at most one.
func (d *decoder) conflict(f field, fs map[string]field, m *mergeEntry) {
	var given []field
	if v, ok := fs["prefer"]; ok {
		m.rule.Prefer = d.prefer(v, m.from)
		given = append(given, v)
	}
	if v, ok := fs["latest"]; ok {
		m.rule.Latest, _ = d.str(v, false)
		m.rule.Conflict = ConflictLatest
		given = append(given, v)
	}
	if v, ok := fs["manual"]; ok {
		if manual, _ := d.boolean(v); manual {
			m.rule.Conflict = ConflictManual
			given = append(given, v)
		}
	}
	if len(given) > 1 {
		keys := make([]string, len(given))
		line := 0
		for i, g := range given {
			keys[i], line = g.name, max(line, g.line)
		}
		d.fail(line, f.path, "%s cannot be combined: give one way to settle rows the sources disagree on", andList(keys))
	}
	_, matched := fs["match_on"]
	for _, g := range given {
		if g.name != "prefer" && !matched {
			d.fail(g.line, g.path, "needs match_on: only rows matched on a natural key can disagree")
		}
	}
}

// prefer decodes the sources in the order they win, each a source of from:.
func (d *decoder) prefer(f field, from []field) []string {
	items, n := d.distinct(f)
	if n == 0 && f.node.Kind == yaml.SequenceNode {
		d.fail(f.line, f.path, "must name at least one source")
	}
	feeding := make([]string, len(from))
	for i, it := range from {
		feeding[i] = sourceOf(it.name)
	}
	for _, it := range items {
		if d.declared(it, f.path, it.name) && len(from) > 0 && !slices.Contains(feeding, it.name) {
			d.fail(it.line, f.path, "source %s feeds no table of from:", quote(it.name))
		}
	}
	return names(items)
}
