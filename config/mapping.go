package config

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// field is one value in the file with what messages need to point at it.
type field struct {
	name string     // the key as written
	path string     // dotted key path, e.g. "defaults.workers"
	line int        // line of the key: values are reported where their key is
	node *yaml.Node // the value, aliases resolved
}

// entries lists the entries of a mapping in file order. A duplicate key is
// reported and dropped, so the first one wins. A null value is an empty
// mapping; anything else that is not a mapping is reported, and ok is false.
func (d *decoder) entries(f field) (es []field, ok bool) {
	n := f.node
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		d.fail(f.line, f.path, "expected a mapping, got %s", describe(n))
		return nil, false
	}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			d.fail(n.Content[i].Line, f.path, "a key must be a name, got %s", describe(k))
			continue
		}
		line := n.Content[i].Line
		if at, dup := first[k.Value]; dup {
			d.fail(line, f.path, "duplicate key %s (first at line %d)", quote(k.Value), at)
			continue
		}
		first[k.Value] = line
		es = append(es, field{name: k.Value, path: join(f.path, k.Value), line: line, node: resolve(n.Content[i+1])})
	}
	return es, true
}

// object decodes a mapping with a fixed set of keys, reporting any other key
// with the allowed ones and the closest match.
func (d *decoder) object(f field, allowed []string) (map[string]field, bool) {
	es, ok := d.entries(f)
	out := make(map[string]field, len(es))
	for i := 0; i < len(es); i++ {
		e := es[i]
		if slices.Contains(allowed, e.name) {
			out[e.name] = e
			continue
		}
		if i > 0 && f.node.Style&yaml.FlowStyle != 0 {
			if whole, n := commaSplit(es[i-1], es[i:], allowed); n > 0 {
				d.fail(e.line, es[i-1].path, "%s is cut at a comma: in a { } mapping a comma ends the value; quote the %s: %s: %s",
					quote(whole), es[i-1].name, es[i-1].name, quote(whole))
				prev := *es[i-1].node
				prev.Value = whole
				out[es[i-1].name] = field{name: es[i-1].name, path: es[i-1].path, line: es[i-1].line, node: &prev}
				i += n - 1
				continue
			}
		}
		d.fail(e.line, f.path, "unknown key %s%s (allowed: %s)", quote(e.name), didYouMean(e.name, allowed), strings.Join(allowed, ", "))
	}
	return out, ok
}

// commaSplit recognises a value with parentheses written unquoted in a
// flow mapping, {type: numeric(10,2)}: YAML ends the value at the comma
// and reads the rest, "2)", as a key without a value. It returns the value
// as written and how many of the following entries it swallowed, 0 when
// prev is no such value.
func commaSplit(prev field, rest []field, allowed []string) (string, int) {
	if prev.node.Kind != yaml.ScalarNode || prev.node.Style != 0 || depth(prev.node.Value) <= 0 {
		return "", 0
	}
	whole := prev.node.Value
	for n, e := range rest {
		if slices.Contains(allowed, e.name) || !isNull(e.node) {
			return "", 0
		}
		whole += "," + e.name
		if depth(whole) <= 0 {
			return whole, n + 1
		}
	}
	return "", 0
}

// depth is how many parentheses of s are left open.
func depth(s string) int { return strings.Count(s, "(") - strings.Count(s, ")") }

// require returns the value of a required key, reporting it on the line of
// the mapping that lacks it.
func (d *decoder) require(fs map[string]field, parent field, key string) (field, bool) {
	f, ok := fs[key]
	if !ok {
		d.fail(parent.line, join(parent.path, key), "required key is missing")
	}
	return f, ok
}
