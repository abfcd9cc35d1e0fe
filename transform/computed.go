package transform

import (
	"errors"
	"strings"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
	"github.com/sluicedb/sluice/compute"
	"github.com/sluicedb/sluice/plan"
)

// computed compiles an expression over the source row. Its result is cast
// to the column's type by the result's Go type, and a NULL result takes the
// column's default when it has one.
func (cc *compiler) computed(col *column, c *plan.Column) error {
	if c.Expr == "" {
		return errors.New("no expression")
	}
	var err error
	if col.program, err = compute.Compile(c.Expr, cc.sourceColumns()); err != nil {
		return err
	}
	for _, name := range col.program.Vars() {
		col.inputs = append(col.inputs, cc.index[name])
	}
	if col.results, err = newResultCasts(c); err != nil {
		return err
	}
	if c.Default != nil {
		return col.compileDefault(c)
	}
	return nil
}

// sourceColumns are the columns read, as the plan's ReadSchema describes them, else typed by
// the source type of a target column cast or keyed from them; a column only
// an expression reads of a plan.Table made without ReadTypes is untyped
// (KindOther) and normalised by its Go type.
func (cc *compiler) sourceColumns() []sluice.Column {
	types := make(map[string]sluice.Type)
	for _, c := range cc.t.Columns {
		switch {
		case c.SourceType.Kind == "":
		case c.Role == plan.RoleValue:
			types[c.Source] = c.SourceType
		case len(c.KeyColumns) == 1 && c.Role != plan.RoleMatchUUID:
			types[c.KeyColumns[0]] = c.SourceType
		}
	}
	cols := make([]sluice.Column, len(cc.t.ReadColumns))
	for i, name := range cc.t.ReadColumns {
		cols[i] = sluice.Column{Name: name, Type: sluice.Type{Kind: sluice.KindOther}}
		if t, ok := types[name]; ok {
			cols[i].Type = t
		}
		if i < len(cc.t.ReadSchema) && cc.t.ReadSchema[i].Type.Kind != "" {
			cols[i] = cc.t.ReadSchema[i]
		}
	}
	return cols
}

// resultCasts are the casts of an expression's results into the column's
// type, one per Go type compute.Program.Run returns.
type resultCasts struct {
	text, integer, float, boolean, stamp, bytes cast.Func
}

func newResultCasts(c *plan.Column) (resultCasts, error) {
	var r resultCasts
	opts := cast.Options{ZeroDates: c.ZeroDates}
	for _, f := range []struct {
		to   *cast.Func
		from sluice.Type
	}{
		{&r.text, sluice.Type{Kind: sluice.KindText}},
		{&r.integer, sluice.Type{Kind: sluice.KindInt, Bits: 64}},
		{&r.float, sluice.Type{Kind: sluice.KindFloat, Bits: 64}},
		{&r.boolean, sluice.Type{Kind: sluice.KindBool}},
		{&r.stamp, sluice.Type{Kind: sluice.KindTimestamp}},
		{&r.bytes, sluice.Type{Kind: sluice.KindBytes}},
	} {
		var err error
		if *f.to, err = cast.For(f.from, c.Type, opts); err != nil {
			return r, err
		}
	}
	return r, nil
}

// pick chooses the cast by the result's Go type.
func (r *resultCasts) pick(v any) cast.Func {
	switch v.(type) {
	case int64:
		return r.integer
	case float64:
		return r.float
	case bool:
		return r.boolean
	case time.Time:
		return r.stamp
	case []byte:
		return r.bytes
	}
	return r.text
}

func (c *column) computed(src []any) (any, *Reject) {
	v, err := c.program.Run(src)
	if err != nil {
		return nil, &Reject{Column: c.name, Raw: c.inputText(src), Reason: err.Error()}
	}
	if v == nil {
		return c.def, nil // NULL, or the default
	}
	out, err := c.results.pick(v)(v)
	if err != nil {
		return nil, &Reject{Column: c.name, Raw: v, Reason: "expression " + c.program.Expression() + ": " + err.Error()}
	}
	return out, nil
}

// inputText shows what the expression read, for a reject:
// "FirstName=Ada, LastName=NULL".
func (c *column) inputText(src []any) string {
	var b strings.Builder
	for k, name := range c.program.Vars() {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(name + "=")
		if v := src[c.inputs[k]]; v == nil {
			b.WriteString("NULL")
		} else {
			b.WriteString(sluice.ValueText(v))
		}
	}
	return b.String()
}
