package stream

import (
	"regexp"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// A column added to a source table while it streams is taken by a mapping
// that takes the source's columns as they come (a table that is neither
// merged nor an expansion, which name their columns): the target table gets
// it, nullable, with the type plan gives it (the plan made again from the
// source as it is now), in the same target transaction as the position of
// the change, and the stream writes it from then on. That is exact only
// when the source's existing rows hold NULL in it: a column added with a
// default or NOT NULL gave them a value the stream never carries, and
// stops the table instead.

// widening is what an added column does to one mapped table: the column to
// add (with the table's new mapping), or a note that it is ignored, or why
// the table stops.
type widening struct {
	add    []target.ColumnAdd
	next   *mapped
	ignore string
	stop   string
}

// addedColumns lists the columns of ch that the table's layout lacks.
func (mt *mapped) addedColumns(ch *sluice.Change) []string {
	var out []string
	for _, c := range ch.Columns {
		if !slices.Contains(mt.layout, c.Name) {
			out = append(out, c.Name)
		}
	}
	return out
}

// widen takes the added source columns into the mapping per p, the plan
// made again; nil p (or a table that names its columns) ignores them.
func (mt *mapped) widen(p *plan.Plan, added, layout []string) (widening, error) {
	switch {
	case mt.t.Expansion != nil:
		return widening{}, nil // it reads its own columns only
	case mt.t.Merged != nil:
		return widening{ignore: "the column(s) " + strings.Join(added, ", ") + " added to the source are not in the mapping of the merged table " + mt.t.Name + ", which names its columns: ignored (add them to the other sources or a fill:, then migrate)"}, nil
	case p == nil:
		return widening{}, nil
	}
	nt := p.Table(mt.t.ID)
	if nt == nil {
		return widening{stop: "the table is no longer in the plan made from the source as it is now"}, nil
	}
	cols, why := mt.newColumns(nt, added)
	if why != "" || len(cols) == 0 {
		return widening{stop: why}, nil
	}
	return mt.widened(p, nt, cols, layout)
}

// newColumns are the target columns nt has for the added source columns,
// or why they cannot be added as they are.
func (mt *mapped) newColumns(nt *plan.Table, added []string) ([]plan.Column, string) {
	for _, c := range mt.t.Columns {
		if i := slices.IndexFunc(nt.Columns, func(n plan.Column) bool { return n.Name == c.Name }); i < 0 || nt.Columns[i].Type != c.Type {
			return nil, "the plan made from the source as it is now maps the column " + c.Name + " otherwise"
		}
	}
	var out []plan.Column
	for _, c := range nt.Columns {
		if slices.ContainsFunc(mt.t.Columns, func(o plan.Column) bool { return o.Name == c.Name }) {
			continue
		}
		if c.Role != plan.RoleValue || !slices.Contains(added, c.Source) {
			return nil, "the plan made from the source as it is now has the column " + c.Name + ", which is not a copy of an added column"
		}
		if why := existingRowsNull(nt, c); why != "" {
			return nil, why
		}
		out = append(out, c)
	}
	return out, ""
}

// nullDefault is a default that is no value: NULL, with a cast or not.
var nullDefault = regexp.MustCompile(`(?i)^\(?null\)?(::.*)?$`)

// existingRowsNull says why the source's rows may hold a value in column
// c, added to them: a default, NOT NULL, or an enum type the target
// creates with the table only. "" when they hold NULL.
func existingRowsNull(nt *plan.Table, c plan.Column) string {
	i := slices.Index(nt.ReadColumns, c.Source)
	if i < 0 || i >= len(nt.ReadSchema) {
		return "the added column " + c.Source + " is not among the columns read"
	}
	sc := nt.ReadSchema[i]
	switch {
	case sc.Default != nil && !nullDefault.MatchString(strings.TrimSpace(*sc.Default)):
		return "the column " + c.Source + " was added with a default (" + *sc.Default + "): the source's existing rows hold it, which the stream never carries"
	case !sc.Nullable:
		return "the column " + c.Source + " was added NOT NULL: the source's existing rows hold a value the stream never carries"
	case slices.ContainsFunc(nt.EnumTypes, func(e plan.EnumType) bool { return strings.Contains(c.Type, e.Name) }):
		return "the column " + c.Source + " needs an enum type that only migrate creates"
	}
	return ""
}

// widened is mt with the new columns, and the columns to add.
func (mt *mapped) widened(p *plan.Plan, nt *plan.Table, cols []plan.Column, layout []string) (widening, error) {
	out := *nt
	out.Columns = nil
	have := append(slices.Clone(mt.t.Columns), cols...)
	for _, c := range nt.Columns {
		if slices.ContainsFunc(have, func(h plan.Column) bool { return h.Name == c.Name }) {
			out.Columns = append(out.Columns, c)
		}
	}
	next, err := compile(p, &out, layout)
	if err != nil {
		return widening{}, err
	}
	hash := ""
	if len(out.Columns) == len(nt.Columns) {
		hash = nt.Hash(p.Namespace) // the table now holds nt's mapping whole
	}
	w := widening{next: next}
	for _, c := range cols {
		w.add = append(w.add, target.ColumnAdd{TableID: nt.ID, Schema: nt.Schema, Table: nt.Name, Column: c.Name, Type: c.Type, PlanHash: hash})
	}
	return w, nil
}
