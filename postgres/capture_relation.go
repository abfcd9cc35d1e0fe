package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

// relation is what the stream knows of one published table: the columns
// its Relation message lists and where each goes in the table's row.
type relation struct {
	name     string
	captured bool
	cols     []*pglogrepl.RelationMessageColumn
	types    []sluice.Type // of cols
	layout   []int         // cols[i] is column layout[i] of the row
	width    int           // the row's columns
}

// layouts tracks the tables' columns as rows are laid out: Introspect's at
// the start, each Relation message's once it differs.
type layouts struct {
	src      *Source
	captured map[string]bool
	columns  map[string][]sluice.Column // table -> its columns now
	rels     map[uint32]*relation
	typeMap  *pgtype.Map
	types    map[[2]int64]sluice.Type // (type oid, typmod) -> Type
}

func newLayouts(ctx context.Context, src *Source, spec sluice.CaptureSpec) (*layouts, error) {
	l := &layouts{src: src, captured: map[string]bool{}, columns: map[string][]sluice.Column{},
		rels: map[uint32]*relation{}, typeMap: pgtype.NewMap(), types: map[[2]int64]sluice.Type{}}
	var schema *sluice.Schema
	for _, name := range spec.Tables {
		l.captured[name] = true
		if cols, ok := spec.Columns[name]; ok {
			l.columns[name] = cols
			continue
		}
		if schema == nil {
			var err error
			if schema, err = src.Introspect(ctx); err != nil {
				return nil, err
			}
		}
		if t := schema.Table(name); t != nil {
			l.columns[name] = t.Columns
		} // else renamed or dropped since: its first Relation message tells its columns, as a schema change
	}
	return l, nil
}

// relation records a Relation message and returns the schema changes it
// means: a table renamed, or columns that differ from the layout so far.
func (l *layouts) relation(ctx context.Context, m *pglogrepl.RelationMessage) ([]sluice.Change, error) {
	var out []sluice.Change
	if old, ok := l.rels[m.RelationID]; ok && old.name != m.RelationName && old.captured {
		out = append(out, sluice.Change{Kind: sluice.ChangeSchema, Table: old.name, Detail: "renamed to " + m.RelationName})
	}
	r := &relation{name: m.RelationName, cols: m.Columns, captured: m.Namespace == l.src.schema && l.captured[m.RelationName]}
	l.rels[m.RelationID] = r
	if !r.captured {
		return out, nil
	}
	types, err := l.columnTypes(ctx, m.Columns)
	if err != nil {
		return nil, fmt.Errorf("read the types of %s's columns: %w", m.RelationName, err)
	}
	r.types = types
	if change, changed := l.compare(r); changed {
		out = append(out, change)
	}
	r.layout, r.width = placeColumns(r, l.columns[r.name])
	return out, nil
}

// compare matches the relation with the table's layout by name and
// declared type; a difference replaces the layout with the relation's
// columns and is a schema change.
func (l *layouts) compare(r *relation) (sluice.Change, bool) {
	old := stored(l.columns[r.name])
	if len(old) == len(r.cols) {
		same := true
		for i, c := range r.cols {
			same = same && old[i].Name == c.Name && old[i].Type.Raw == r.types[i].Raw
		}
		if same {
			return sluice.Change{}, false
		}
	}
	cols := make([]sluice.Column, len(r.cols))
	for i, c := range r.cols {
		cols[i] = sluice.Column{Name: c.Name, Type: r.types[i], Nullable: true}
		if prev := findColumn(old, c.Name); prev != nil && prev.Type.Raw == r.types[i].Raw {
			cols[i] = *prev
		}
	}
	detail := "columns (" + columnList(old) + ") are now (" + columnList(cols) + ")"
	l.columns[r.name] = cols
	return sluice.Change{Kind: sluice.ChangeSchema, Table: r.name, Columns: cols, Detail: detail}, true
}

// stored leaves out the generated columns: pgoutput does not send them.
func stored(cols []sluice.Column) []sluice.Column {
	var out []sluice.Column
	for _, c := range cols {
		if c.Generated == "" {
			out = append(out, c)
		}
	}
	return out
}

func findColumn(cols []sluice.Column, name string) *sluice.Column {
	for i := range cols {
		if cols[i].Name == name {
			return &cols[i]
		}
	}
	return nil
}

func columnList(cols []sluice.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Name + " " + c.Type.Raw
	}
	return strings.Join(parts, ", ")
}

// placeColumns maps each relation column to its place in the row.
func placeColumns(r *relation, cols []sluice.Column) ([]int, int) {
	layout := make([]int, len(r.cols))
	for i, c := range r.cols {
		layout[i] = -1
		for j := range cols {
			if cols[j].Name == c.Name {
				layout[i] = j
			}
		}
	}
	return layout, len(cols)
}

// columnTypes maps each column's type oid and modifier to a sluice.Type,
// as introspection does; the catalog's types never change, so the answer
// is kept.
func (l *layouts) columnTypes(ctx context.Context, cols []*pglogrepl.RelationMessageColumn) ([]sluice.Type, error) {
	out := make([]sluice.Type, len(cols))
	for i, c := range cols {
		key := [2]int64{int64(c.DataType), int64(c.TypeModifier)}
		t, ok := l.types[key]
		if !ok {
			var err error
			if t, err = l.lookupType(ctx, c.DataType, c.TypeModifier); err != nil {
				return nil, err
			}
			l.types[key] = t
		}
		out[i] = t
	}
	return out, nil
}

func (l *layouts) lookupType(ctx context.Context, oid uint32, mod int32) (sluice.Type, error) {
	const q = `SELECT format_type(t.oid, $2), t.typname, t.typtype::text, t.typnamespace = 'pg_catalog'::regnamespace,
		coalesce((SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '{}')
		FROM pg_type t WHERE t.oid = $1`
	var p pgType
	if err := l.src.pool.QueryRow(ctx, q, oid, mod).Scan(&p.Format, &p.Name, &p.TypType, &p.Builtin, &p.Enum); err != nil {
		return sluice.Type{}, classify(err)
	}
	p.Mod = int(mod)
	return TypeOf(p), nil
}
