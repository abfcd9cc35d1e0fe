package inverse

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// part inverts the rows that come from one source table.
type part struct {
	source, table, engine string
	key                   []string      // the source key columns
	keyTypes              []sluice.Type // their types
	legacy                int           // the legacy column's index, -1 under keys: keep
	keyValues             []int         // keys: keep: the key columns' value columns
	values                []valueCol
	refs                  []refCol
}

// valueCol is a target column that is a source column's value.
type valueCol struct {
	at      int // index in the target row
	name    string
	typ     sluice.Type
	charset string
}

// refCol is a rewritten foreign key: its source columns take the legacy
// key of the row the uuid names.
type refCol struct {
	at            int
	cols          []string
	types         []sluice.Type
	source, table string
}

func compilePart(t *plan.Table, opts Options) (*part, error) {
	p := &part{source: t.Source, table: t.SourceTable, engine: t.Engine, legacy: -1}
	schema := readSchema(t)
	if err := p.compileKey(t, schema); err != nil {
		return nil, err
	}
	for i, c := range t.Columns {
		switch {
		case c.Role == plan.RoleValue && !slices.Contains(p.key, c.Source):
			p.values = append(p.values, valueCol{at: i, name: c.Source, typ: typeOf(schema, c.Source, c.SourceType), charset: schema[c.Source].Charset})
		case c.Role == plan.RoleRefUUID:
			r := refCol{at: i, cols: c.KeyColumns, source: or(c.RefSource, t.Source), table: c.RefTable}
			for _, k := range c.KeyColumns {
				r.types = append(r.types, typeOf(schema, k, c.SourceType))
			}
			p.refs = append(p.refs, r)
		}
	}
	p.refs = slices.DeleteFunc(p.refs, p.heldAsValues)
	if len(p.refs) > 0 && opts.Refs == nil {
		return nil, fmt.Errorf("column %s is a rewritten foreign key and no lookup was given", t.Columns[p.refs[0].at].Name)
	}
	return p, nil
}

// heldAsValues reports a reference whose source columns the target row
// also holds as values (a composite foreign key keeps them): they go back
// as values, and the reference's uuid adds nothing.
func (p *part) heldAsValues(rc refCol) bool {
	for _, k := range rc.cols {
		if !slices.ContainsFunc(p.values, func(v valueCol) bool { return v.name == k }) {
			return false
		}
	}
	return true
}

// compileKey finds the source key: the legacy column's key columns, or
// under keys: keep the value columns of the target's primary key.
func (p *part) compileKey(t *plan.Table, schema map[string]sluice.Column) error {
	for i, c := range t.Columns {
		if c.Role == plan.RoleLegacyKey {
			p.legacy, p.key = i, c.KeyColumns
			for _, k := range c.KeyColumns {
				p.keyTypes = append(p.keyTypes, typeOf(schema, k, c.SourceType))
			}
			return nil
		}
	}
	for _, name := range t.PrimaryKey {
		i := slices.IndexFunc(t.Columns, func(c plan.Column) bool { return c.Name == name && c.Role == plan.RoleValue })
		if i < 0 {
			return fmt.Errorf("primary key column %s is not a source column's value", name)
		}
		c := t.Columns[i]
		p.key, p.keyValues = append(p.key, c.Source), append(p.keyValues, i)
		p.keyTypes = append(p.keyTypes, typeOf(schema, c.Source, c.SourceType))
	}
	if len(p.key) == 0 {
		return fmt.Errorf("the table has neither a legacy key nor a primary key")
	}
	return nil
}

func readSchema(t *plan.Table) map[string]sluice.Column {
	out := make(map[string]sluice.Column, len(t.ReadSchema))
	for _, c := range t.ReadSchema {
		out[c.Name] = c
	}
	return out
}

func typeOf(schema map[string]sluice.Column, name string, fallback sluice.Type) sluice.Type {
	if c, ok := schema[name]; ok {
		return c.Type
	}
	return fallback
}

func (p *part) row(ctx context.Context, refs Refs, target []any) (Row, error) {
	r := Row{Source: p.source, Table: p.table, Key: p.key}
	var err error
	if r.KeyValues, err = p.keyOf(target); err != nil {
		return Row{}, err
	}
	for _, v := range p.values {
		if _, unchanged := target[v.at].(sluice.Unchanged); unchanged {
			continue
		}
		sv, err := back(p.engine, v.typ, v.charset, target[v.at])
		if err != nil {
			return Row{}, fmt.Errorf("write back %s.%s column %s: %w", p.source, p.table, v.name, err)
		}
		r.Columns, r.Values = append(r.Columns, v.name), append(r.Values, sv)
	}
	for _, rc := range p.refs {
		cols, vals, err := p.resolve(ctx, refs, rc, target[rc.at])
		if err != nil {
			return Row{}, err
		}
		r.Columns, r.Values = append(r.Columns, cols...), append(r.Values, vals...)
	}
	return r, nil
}

// keyOf reads the source key from the target row: nil when the legacy
// column is NULL (a row inserted on the target).
func (p *part) keyOf(target []any) ([]any, error) {
	if p.legacy < 0 {
		key := make([]any, len(p.keyValues))
		for i, at := range p.keyValues {
			v, err := back(p.engine, p.keyTypes[i], "", target[at])
			if err != nil || v == nil {
				return nil, fmt.Errorf("write back %s.%s key column %s: %v", p.source, p.table, p.key[i], errOrNull(err))
			}
			key[i] = v
		}
		return key, nil
	}
	v := target[p.legacy]
	if _, unchanged := v.(sluice.Unchanged); unchanged || v == nil {
		return nil, nil
	}
	key, err := legacyKey(p.engine, p.keyTypes, v)
	if err != nil {
		return nil, fmt.Errorf("write back %s.%s legacy key: %w", p.source, p.table, err)
	}
	return key, nil
}

func errOrNull(err error) any {
	if err != nil {
		return err
	}
	return "NULL"
}

// legacyKey reads a legacy key as the target holds it (the value of a
// single key column, the KeyText of a composite one, or a KeyText that
// sluice.legacy_keys keeps) into the source values of key columns of types.
func legacyKey(engine string, types []sluice.Type, v any) ([]any, error) {
	text, isText := v.(KeyText)
	if len(types) == 1 && !isText {
		k, err := back(engine, types[0], "", v)
		return []any{k}, err
	}
	if !isText {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("a %T, want the key's text", v)
		}
		text = KeyText(s)
	}
	parts, err := SplitKeyText(string(text), len(types))
	if err != nil {
		return nil, fmt.Errorf("%q: %w", text, err)
	}
	key := make([]any, len(parts))
	for i, s := range parts {
		if key[i], err = keyPart(types[i], s); err != nil {
			return nil, fmt.Errorf("%q: %w", text, err)
		}
	}
	return key, nil
}

// resolve gives a rewritten foreign key's source columns the legacy key of
// the row its uuid names. That row must belong to the source the foreign
// key points into: a row of a merged table that another source owns has
// no key in this one.
func (p *part) resolve(ctx context.Context, refs Refs, rc refCol, v any) ([]string, []any, error) {
	if _, unchanged := v.(sluice.Unchanged); unchanged {
		return nil, nil, nil
	}
	if v == nil {
		return rc.cols, make([]any, len(rc.cols)), nil
	}
	what := fmt.Sprintf("write back %s.%s foreign key %v", p.source, p.table, rc.cols)
	id, ok := uuidBytes(v)
	if !ok {
		return nil, nil, fmt.Errorf("%s: %T is not a uuid", what, v)
	}
	ref, found, err := refs(ctx, rc.source, rc.table, id)
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	case !found:
		return nil, nil, fmt.Errorf("%s: no %s.%s row has identity %s, on the target or in the source", what, rc.source, rc.table, uuid.UUID(id))
	case ref.Owner != rc.source:
		return nil, nil, fmt.Errorf("%s: it names row %s, which belongs to source %s, not %s: source %s cannot hold that reference",
			what, uuid.UUID(id), or(ref.Owner, "(none)"), rc.source, p.source)
	case ref.Legacy == nil && len(ref.Pending) == len(rc.cols):
		return rc.cols, ref.Pending, nil
	case ref.Legacy == nil:
		return nil, nil, fmt.Errorf("%s: the referenced %s.%s row %s has no legacy key: it was inserted on the target and not written back to %s",
			what, rc.source, rc.table, uuid.UUID(id), rc.source)
	}
	key, err := legacyKey(p.engine, rc.types, ref.Legacy)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: the referenced row's legacy key: %w", what, err)
	}
	return rc.cols, key, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
