package config

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// from decodes the from: list of a merge rule and returns its valid items:
// "<source>.<table>" of a declared source, at most one per source.
func (d *decoder) from(f field) []field {
	items, n := d.distinct(f)
	if n < 2 && f.node.Kind == yaml.SequenceNode {
		d.fail(f.line, f.path, "needs at least two source tables, got %d; a single table is mapped by its own \"<source>.<table>\" rule", n)
	}
	var out []field
	bySource := map[string]string{}
	for _, it := range items {
		src, table, found := strings.Cut(it.name, ".")
		if !found || src == "" || table == "" {
			d.fail(it.line, f.path, "%s is not \"<source>.<table>\"", shown(it, it.name))
			continue
		}
		if !d.declared(it, f.path, src) {
			continue
		}
		if other, dup := bySource[src]; dup {
			d.fail(it.line, f.path, "%s and %s both come from source %s: two tables of one source cannot feed one target table yet",
				quote(other), shown(it, it.name), quote(src))
			continue
		}
		bySource[src] = it.name
		out = append(out, it)
	}
	return out
}

// sourceOf returns the source of a from: item.
func sourceOf(id string) string {
	src, _, _ := strings.Cut(id, ".")
	return src
}
