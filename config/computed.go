package config

import "strings"

var computedKeys = []string{"expr", "type"}

// fills decodes fill:, target column -> value; null is a NULL value.
func (d *decoder) fills(f field) []FillRule {
	es, _ := d.entries(f)
	var out []FillRule
	for _, e := range es {
		d.named(e, "a column")
		out = append(out, FillRule{Column: e.name, Value: d.fillValue(e), Line: e.line})
	}
	return out
}

// fillValue decodes a string, or nil for null, ~ or nothing. Any other
// scalar is taken as its text (phone: 0 is "0").
func (d *decoder) fillValue(f field) *string {
	s, ok := d.scalar(f, "a value or null")
	if !ok || !s.expanded && isNull(s.node) {
		return nil
	}
	v := s.node.Value
	return &v
}

// computed decodes computed:, target column -> {expr, type}.
func (d *decoder) computed(f field) []ComputedRule {
	es, _ := d.entries(f)
	var out []ComputedRule
	for _, e := range es {
		d.named(e, "a column")
		out = append(out, d.computedRule(e))
	}
	return out
}

func (d *decoder) computedRule(f field) ComputedRule {
	c := ComputedRule{Column: f.name, Line: f.line}
	fs, ok := d.object(f, computedKeys)
	if !ok {
		return c
	}
	if v, ok := d.require(fs, f, "expr"); ok {
		c.Expr, _ = d.str(v, false)
	}
	if v, ok := fs["type"]; ok {
		c.Type, _ = d.str(v, false)
	}
	return c
}

// named reports a key that is empty where it names a column or a table,
// at the path of the mapping that holds it.
func (d *decoder) named(f field, what string) {
	if f.name == "" {
		d.fail(f.line, strings.TrimSuffix(f.path, "."), "expected %s name, got an empty key", what)
	}
}
