package config

var (
	expandKeys  = []string{"count", "list", "json", "separator", "ordinal", "value", "parent"}
	expandKinds = []string{ExpandCount, ExpandList, ExpandJSON}
)

// expansions decodes expand:, child table -> how each row becomes rows of it.
func (d *decoder) expansions(f field) []ExpandRule {
	es, _ := d.entries(f)
	var out []ExpandRule
	for _, e := range es {
		d.named(e, "a table")
		out = append(out, d.expandRule(e))
	}
	return out
}

func (d *decoder) expandRule(f field) ExpandRule {
	r := ExpandRule{Table: f.name, Line: f.line}
	fs, ok := d.object(f, expandKeys)
	if !ok {
		return r
	}
	d.expandKind(f, fs, &r)
	for _, s := range []struct {
		key string
		dst *string
	}{{"separator", &r.Separator}, {"ordinal", &r.Ordinal}, {"value", &r.Value}, {"parent", &r.Parent}} {
		if v, ok := fs[s.key]; ok {
			*s.dst, _ = d.str(v, false)
		}
	}
	if v, ok := fs["separator"]; ok && r.Kind != "" && r.Kind != ExpandList {
		d.fail(v.line, v.path, "applies only to list:, not to %s:", r.Kind)
	}
	if v, ok := fs["value"]; ok && r.Kind == ExpandCount {
		d.fail(v.line, v.path, "applies only to list: and json:; the rows of count: hold only their ordinal")
	}
	d.childColumns(f, r)
	return r
}

// expandKind decodes the one of count, list or json that the rule gives.
func (d *decoder) expandKind(f field, fs map[string]field, r *ExpandRule) {
	var given []string
	for _, k := range expandKinds {
		if v, ok := fs[k]; ok {
			given = append(given, k)
			r.Kind = k
			r.Column, _ = d.str(v, false)
		}
	}
	switch {
	case len(given) == 0:
		d.fail(f.line, f.path, "needs one of count, list or json: the source column to expand")
	case len(given) > 1:
		d.fail(f.line, f.path, "%s cannot be combined: give one of count, list or json", andList(given))
		r.Kind = ""
	}
}

// childColumns reports two child columns of one name: the ordinal, the
// element's value and the parent reference are three columns.
func (d *decoder) childColumns(f field, r ExpandRule) {
	value := ""
	if r.Kind == ExpandList || r.Kind == ExpandJSON {
		value = or(r.Value, DefaultValueColumn)
	}
	cols := []struct{ key, name string }{
		{"ordinal", or(r.Ordinal, DefaultOrdinalColumn)}, {"value", value}, {"parent", r.Parent},
	}
	for i := range cols {
		for j := i + 1; j < len(cols); j++ {
			if cols[i].name != "" && cols[i].name == cols[j].name {
				d.fail(f.line, f.path, "%s and %s both name the column %s", cols[i].key, cols[j].key, quote(cols[i].name))
			}
		}
	}
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
