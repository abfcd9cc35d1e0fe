package config

import "strings"

var columnKeys = []string{"name", "type", "drop", "default", "references", "enum", "source_type"}

func (d *decoder) columns(f field) []ColumnRule {
	es, _ := d.entries(f)
	out := make([]ColumnRule, 0, len(es))
	for _, e := range es {
		out = append(out, d.column(e))
	}
	return out
}

func (d *decoder) column(f field) ColumnRule {
	c := ColumnRule{Name: f.name, Line: f.line}
	fs, _ := d.object(f, columnKeys)
	for _, s := range []struct {
		key string
		dst *string
	}{{"name", &c.Target}, {"type", &c.Type}, {"source_type", &c.SourceType}} {
		if v, ok := fs[s.key]; ok {
			*s.dst, _ = d.str(v, false)
		}
	}
	if v, ok := fs["default"]; ok {
		if s, ok := d.str(v, true); ok {
			c.Default = &s
		}
	}
	if v, ok := fs["drop"]; ok {
		c.Drop, _ = d.boolean(v)
	}
	if v, ok := fs["references"]; ok {
		c.References = d.reference(v)
	}
	if v, ok := fs["enum"]; ok {
		c.Enum, _ = d.enum(v, enumsValues)
	}
	d.dropConflicts(f, fs, c.Drop)
	return c
}

// dropConflicts reports a dropped column that is also renamed, retyped or
// defaulted: one of the two is a mistake.
func (d *decoder) dropConflicts(f field, fs map[string]field, drop bool) {
	if !drop {
		return
	}
	var with []string
	for _, k := range []string{"name", "type", "default", "enum"} {
		if _, ok := fs[k]; ok {
			with = append(with, k)
		}
	}
	if len(with) > 0 {
		d.fail(f.line, f.path, "drop: true cannot be combined with %s", orList(with))
	}
}

// reference decodes "source.Table" or "source.Table.Column".
func (d *decoder) reference(f field) string {
	s, ok := d.str(f, false)
	if !ok {
		return ""
	}
	src, _, _, ok := SplitReference(s)
	if !ok {
		d.fail(f.line, f.path, "expected \"source.Table\" or \"source.Table.Column\", got %s", shown(f, s))
		return ""
	}
	d.declared(f, f.path, src)
	return s
}

// SplitReference splits a references value: "source.Table" (column is "",
// meaning the table's primary key) or "source.Table.Column". The source ends
// at the first dot and the column starts after the last, so a table whose
// name holds a dot can be referenced only with an explicit column.
func SplitReference(ref string) (source, table, column string, ok bool) {
	source, rest, found := strings.Cut(ref, ".")
	if !found || !identifier.MatchString(source) || rest == "" {
		return "", "", "", false
	}
	table = rest
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		table, column = rest[:i], rest[i+1:]
		if table == "" || column == "" {
			return "", "", "", false
		}
	}
	return source, table, column, true
}
