package config

import "go.yaml.in/yaml/v3"

// list returns the items of a YAML list, each at its own line; anything else
// is reported, and ok is false.
func (d *decoder) list(f field) (items []field, ok bool) {
	if f.node.Kind != yaml.SequenceNode {
		d.fail(f.line, f.path, "expected a list, got %s", describe(f.node))
		return nil, false
	}
	items = make([]field, 0, len(f.node.Content))
	for _, n := range f.node.Content {
		items = append(items, field{path: f.path, line: n.Line, node: resolve(n)})
	}
	return items, true
}

// distinct decodes a list of non-empty strings, each listed once. It returns
// the items that are, with name set to the string, and how many items the
// list holds; a repeated one is reported and left out.
func (d *decoder) distinct(f field) (out []field, count int) {
	items, _ := d.list(f)
	first := map[string]int{}
	for _, it := range items {
		s, ok := d.str(it, false)
		if !ok {
			continue
		}
		if at, dup := first[s]; dup {
			d.fail(it.line, f.path, "%s is listed twice (first at line %d)", shown(it, s), at)
			continue
		}
		first[s] = it.line
		it.name = s
		out = append(out, it)
	}
	return out, len(items)
}

// names returns the strings of fields decoded by distinct.
func names(fs []field) []string {
	if len(fs) == 0 {
		return nil
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// optionalBool decodes a boolean that overrides a default when given.
func (d *decoder) optionalBool(f field) *bool {
	b, ok := d.boolean(f)
	if !ok {
		return nil
	}
	return &b
}
