package config

import (
	"slices"
	"strings"
)

var (
	tableKeys  = []string{"target", "skip", "keys", "legacy_column", "chunk_rows", "where", "columns"}
	columnKeys = []string{"name", "type", "drop", "default", "references"}
)

// tables decodes the table rules in file order.
func (d *decoder) tables(f field) []TableRule {
	es, _ := d.entries(f)
	var out []TableRule
	for _, e := range es {
		src, table, ok := d.tableKey(f, e)
		rule := d.tableRule(e)
		if ok {
			rule.Source, rule.Table = src, table
			out = append(out, rule)
		}
	}
	return out
}

// tableKey splits "<source>.<table>" at the first dot: table names may hold
// dots and spaces ("north.Order Details"), source names may not.
func (d *decoder) tableKey(parent, e field) (src, table string, ok bool) {
	src, table, found := strings.Cut(e.name, ".")
	if !found || src == "" || table == "" {
		d.fail(e.line, parent.path, "table key %s is not \"<source>.<table>\"", quote(e.name))
		return "", "", false
	}
	return src, table, d.declared(e, parent.path, src)
}

// declared reports a source name that the sources section does not declare.
func (d *decoder) declared(f field, path, src string) bool {
	if d.sources == nil || d.sources[src] {
		return true
	}
	names := make([]string, 0, len(d.sources))
	for n := range d.sources {
		names = append(names, n)
	}
	slices.Sort(names)
	d.fail(f.line, path, "source %s is not declared%s (declared: %s)", quote(src), didYouMean(src, names), strings.Join(names, ", "))
	return false
}

func (d *decoder) tableRule(f field) TableRule {
	r := TableRule{Line: f.line}
	fs, _ := d.object(f, tableKeys)
	for _, s := range []struct {
		key string
		dst *string
	}{{"target", &r.Target}, {"legacy_column", &r.LegacyColumn}, {"where", &r.Where}} {
		if v, ok := fs[s.key]; ok {
			*s.dst, _ = d.str(v, false)
		}
	}
	if v, ok := fs["skip"]; ok {
		r.Skip, _ = d.boolean(v)
	}
	if v, ok := fs["keys"]; ok {
		r.Keys, _ = d.enum(v, keysValues)
	}
	if v, ok := fs["chunk_rows"]; ok {
		r.ChunkRows, _ = d.integer(v, 1, MaxChunkRows)
	}
	if v, ok := fs["columns"]; ok {
		r.Columns = d.columns(v)
	}
	return r
}

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
	}{{"name", &c.Target}, {"type", &c.Type}} {
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
	for _, k := range []string{"name", "type", "default"} {
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
