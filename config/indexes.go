package config

import "strings"

var indexKeys = []string{"drop", "columns", "expression", "unique", "method", "where"}

// IndexMethods are the PostgreSQL access methods an index rule may name.
var IndexMethods = []string{"btree", "hash", "gin", "gist", "brin", "spgist"}

// IndexRule drops, redefines or adds one index of a table. Name is an index
// of the source table (drop or redefine it) or a new name (a new index).
// Columns are target column names; Expression and Where are PostgreSQL.
type IndexRule struct {
	Name       string
	Line       int
	Drop       bool
	Columns    []string
	Expression string
	Unique     *bool  // nil: the source index's, or false for a new index
	Method     string // "" is btree
	Where      string // a partial index's condition
}

// Index returns the rule of the index called name, or nil.
func (r *TableRule) Index(name string) *IndexRule {
	if r == nil {
		return nil
	}
	for i := range r.Indexes {
		if r.Indexes[i].Name == name {
			return &r.Indexes[i]
		}
	}
	return nil
}

// indexes decodes indexes:, index name -> rule.
func (d *decoder) indexes(f field) []IndexRule {
	es, _ := d.entries(f)
	out := make([]IndexRule, 0, len(es))
	for _, e := range es {
		d.named(e, "an index")
		out = append(out, d.indexRule(e))
	}
	return out
}

func (d *decoder) indexRule(f field) IndexRule {
	r := IndexRule{Name: f.name, Line: f.line}
	fs, ok := d.object(f, indexKeys)
	if !ok {
		return r
	}
	if v, ok := fs["drop"]; ok {
		r.Drop, _ = d.boolean(v)
	}
	if v, ok := fs["columns"]; ok {
		cols, n := d.distinct(v)
		r.Columns = names(cols)
		if n == 0 {
			d.fail(v.line, v.path, "lists no column")
		}
	}
	for _, s := range []struct {
		key string
		dst *string
	}{{"expression", &r.Expression}, {"where", &r.Where}} {
		if v, ok := fs[s.key]; ok {
			*s.dst, _ = d.str(v, false)
		}
	}
	if v, ok := fs["unique"]; ok {
		r.Unique = d.optionalBool(v)
	}
	if v, ok := fs["method"]; ok {
		r.Method, _ = d.enum(v, IndexMethods)
	}
	d.indexConflicts(f, fs, r)
	return r
}

// indexConflicts reports a rule that both drops and defines an index, or
// gives both columns and an expression.
func (d *decoder) indexConflicts(f field, fs map[string]field, r IndexRule) {
	var with []string
	for _, k := range indexKeys[1:] {
		if _, ok := fs[k]; ok {
			with = append(with, k)
		}
	}
	switch {
	case r.Drop && len(with) > 0:
		d.fail(f.line, f.path, "drop: true cannot be combined with %s", orList(with))
	case hasKey(fs, "columns") && hasKey(fs, "expression"):
		d.fail(f.line, f.path, "columns and expression cannot be combined: an index is on columns or on an expression")
	}
}

// Defines reports whether the rule defines the index (rather than only
// dropping it or changing nothing).
func (r *IndexRule) Defines() bool {
	return len(r.Columns) > 0 || strings.TrimSpace(r.Expression) != ""
}
