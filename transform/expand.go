package transform

import (
	"errors"
	"fmt"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
)

// maxChildren bounds the rows one source row may expand into. A table's
// memory is bounded by its chunk size (invariant 5): one corrupt count
// (2147483647 chairs) or a huge list must not hold millions of rows at once,
// so such a row is rejected with the reason instead.
const maxChildren = 100_000

// current is the child row being made: what its ordinal and element
// columns hold.
type current struct {
	ordinal int64
	element any
}

// expansion is how each source row of an expansion table makes its rows.
type expansion struct {
	kind   string // a config.Expand* constant
	src    int    // the expanded column's index in src
	column string // its name, for rejects
	sep    string // config.ExpandList
	elems  []any  // the current row's elements, reused from row to row
}

func (cc *compiler) expansion() (*expansion, error) {
	e := cc.t.Expansion
	if e == nil {
		return nil, nil
	}
	i, ok := cc.index[e.Column]
	if !ok {
		return nil, fmt.Errorf("expanded column %s is not read", e.Column)
	}
	x := &expansion{kind: e.Kind, src: i, column: e.Column, sep: e.Separator}
	switch e.Kind {
	case config.ExpandCount, config.ExpandJSON:
	case config.ExpandList:
		if x.sep == "" {
			x.sep = ","
		}
	default:
		return nil, fmt.Errorf("unknown kind %q", e.Kind)
	}
	return x, nil
}

// child compiles the columns only a child row has: its identity, its
// ordinal and its element.
func (cc *compiler) child(col *column, c *plan.Column) error {
	e := cc.t.Expansion
	if e == nil {
		return errors.New("not an expansion table")
	}
	col.cur = cc.cur
	switch c.Role {
	case plan.RoleExpandUUID:
		col.source, col.table = cc.t.Source, cc.t.SourceTable+"#"+cc.t.Name
		if err := col.compileKeys(c.KeyColumns, cc.index); err != nil {
			return err
		}
		col.scratch = append(col.scratch, nil) // the ordinal
		return nil
	case plan.RoleOrdinal:
		return col.compileCast(sluice.Type{Kind: sluice.KindInt, Bits: 64}, c)
	}
	if e.Kind == config.ExpandCount {
		return errors.New("a count expansion has no elements")
	}
	return col.compileCast(sluice.Type{Kind: sluice.KindText}, c)
}

func (col *column) compileCast(from sluice.Type, c *plan.Column) error {
	var err error
	col.cast, err = cast.For(from, c.Type, cast.Options{ZeroDates: c.ZeroDates})
	return err
}

// Expands reports whether the table is an expansion: its rows come from
// Expand, not Apply.
func (r *Row) Expands() bool { return r.expansion != nil }

// Expand appends to out the child rows of one source row (in ReadColumns
// order), ordinals 1..n, each a new slice of one value per target column.
// A reject rejects the source row: out comes back without any of its rows.
func (r *Row) Expand(src []any, out [][]any) ([][]any, *Reject) {
	n, rej := r.Children(src)
	if rej != nil {
		return out, rej
	}
	start := len(out)
	for k := range n {
		r.cur.ordinal, r.cur.element = int64(k+1), r.expansion.element(k)
		dst := make([]any, len(r.cols))
		if rej := r.fill(src, dst, nil); rej != nil {
			clear(out[start:])
			return out[:start], rej
		}
		out = append(out, dst)
	}
	return out, nil
}

// Children returns how many rows the source row expands into, without
// making them: what verify expects in the child table.
func (r *Row) Children(src []any) (int, *Reject) {
	if r.expansion == nil {
		return 0, &Reject{Reason: r.id + " is not an expansion"}
	}
	if len(src) != r.width {
		return 0, &Reject{Reason: fmt.Sprintf("row of %d values, want %d", len(src), r.width)}
	}
	if rej := r.unreadable(src); rej != nil {
		return 0, rej
	}
	return r.expansion.count(src[r.expansion.src])
}

func (c *column) ordinal() (any, *Reject) {
	return c.castValue(c.cur.ordinal)
}

func (c *column) element() (any, *Reject) {
	return c.castValue(c.cur.element)
}

// expandUUID is a child row's identity: its parent's key and its ordinal.
func (c *column) expandUUID(src []any) (any, *Reject) {
	n := len(c.keys)
	if rej := c.undecodedKey(src); rej != nil {
		return nil, rej
	}
	if k := c.gather(src); k >= 0 {
		return nil, &Reject{Column: c.name, Raw: c.raw(src), Reason: "key column " + c.keyName[k] + " is NULL"}
	}
	c.scratch[n] = c.cur.ordinal
	u, _ := c.hasher.UUID(c.ns, c.source, c.table, c.scratch)
	return [16]byte(u), nil
}

// Parent returns the child table's parent column and, for one source row,
// its value: the parent's row uuid, which every child of the row holds. A
// live sync replaces or deletes a row's children by it. A row whose key
// cannot make the uuid is rejected.
func (r *Row) Parent(src []any) (string, any, *Reject) {
	if r.expansion == nil {
		return "", nil, &Reject{Reason: r.id + " is not an expansion"}
	}
	if len(src) != r.width {
		return "", nil, &Reject{Reason: fmt.Sprintf("row of %d values, want %d", len(src), r.width)}
	}
	c := &r.cols[parentColumn]
	v, rej := c.value(src, nil) // NOT NULL: a NULL key part is a reject
	return c.name, v, rej
}

// parentColumn is the index of the parent's row uuid among a child table's
// columns (plan's childColumns: id, parent, ordinal[, element]).
const parentColumn = 1
