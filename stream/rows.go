package stream

import (
	"fmt"
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/target"
)

// Item is one thing a change makes in one target database: a row change, a
// reject, or the change of a table kept current by reruns (Skipped names
// it), counted and not applied.
type Item struct {
	Database string
	Change   *target.RowChange
	Reject   *target.StreamReject
	Skipped  string
}

// Map turns one row change (insert, update, delete, truncate) of the source
// into target row changes and rejects; pos is its transaction's position.
// Changes of tables the mapping does not read, whose stream stopped, or
// whose copy holds them already (its snapshot is at or after at), make
// nothing.
func (m *Mapper) Map(ch *sluice.Change, at sluice.Position, pos string) []Item {
	m.tell(ch)
	if m.copied(ch.Table, at) {
		return nil
	}
	// Expanded rows reference their parent row: they go before the parent
	// changes and come after.
	var removals, out, additions []Item
	for _, mt := range m.tables[ch.Table] {
		if mt.refuse != "" || m.stopped[mt.t.ID] != "" {
			continue
		}
		if mt.rerun != "" {
			out = append(out, Item{Database: mt.t.Database, Skipped: mt.t.ID})
			continue
		}
		if mt.row.Expands() {
			removals, additions = mt.mapChildren(removals, additions, ch, pos)
			continue
		}
		out = mt.mapChange(out, ch, pos)
	}
	if len(removals) == 0 && len(additions) == 0 {
		return out
	}
	return append(append(removals, out...), additions...)
}

func (mt *mapped) mapChange(out []Item, ch *sluice.Change, pos string) []Item {
	if mt.matched != nil {
		return mt.mapMatched(out, ch, pos)
	}
	switch ch.Kind {
	case sluice.ChangeInsert:
		return mt.insert(out, ch.After, pos)
	case sluice.ChangeUpdate:
		return mt.update(out, ch.Before, ch.After, pos)
	case sluice.ChangeDelete:
		return mt.delete(out, ch.Before, pos)
	case sluice.ChangeTruncate:
		return append(out, mt.item(mt.truncate(pos)))
	}
	return out
}

// image is one source row as the transform reads it.
type image struct {
	src       []any // in t.ReadColumns order; an Unchanged value is nil here
	unchanged []bool
	partial   bool // some value was not sent
	keyText   string
}

func (mt *mapped) image(values []any) (*image, error) {
	if len(values) != len(mt.layout) {
		return nil, fmt.Errorf("a row of %d values for the %d columns of %s", len(values), len(mt.layout), mt.t.SourceTable)
	}
	im := &image{src: make([]any, len(mt.read)), unchanged: make([]bool, len(mt.read))}
	for i, at := range mt.read {
		v := values[at]
		if _, ok := v.(sluice.Unchanged); ok {
			im.unchanged[i], im.partial = true, true
			v = nil
		}
		im.src[i] = v
	}
	im.keyText = mt.keyText(im.src)
	return im, nil
}

// keyText is the row's legacy key, which labels its rejects.
func (mt *mapped) keyText(src []any) string {
	if len(mt.t.Key) == 0 {
		return ""
	}
	key := make([]any, len(mt.t.Key))
	for i, k := range mt.t.Key {
		if at := slices.Index(mt.t.ReadColumns, k); at >= 0 {
			key[i] = src[at]
		}
	}
	return sluice.KeyText(key)
}

func (mt *mapped) transform(im *image) ([]any, *target.StreamReject) {
	dst := make([]any, len(mt.cols))
	if rej := mt.row.Apply(im.src, dst); rej != nil {
		return nil, &target.StreamReject{Reject: target.Reject{Key: im.keyText, Source: mt.t.Source, SourceTable: mt.t.SourceTable,
			Column: rej.Column, Raw: rej.Raw, Reason: rej.Reason}, TableID: mt.t.ID, Table: mt.t.Name}
	}
	return dst, nil
}

func (mt *mapped) rejectOf(im *image, pos, reason string) Item {
	return Item{Database: mt.t.Database, Reject: &target.StreamReject{Reject: target.Reject{Key: im.keyText, Source: mt.t.Source,
		SourceTable: mt.t.SourceTable, Reason: reason}, TableID: mt.t.ID, Table: mt.t.Name, Position: pos}}
}

func (mt *mapped) rowChange(op target.RowOp, im *image, pos string) *target.RowChange {
	return &target.RowChange{TableID: mt.t.ID, Schema: mt.t.Schema, Table: mt.t.Name, Op: op,
		Key: mt.keyNames, Keep: mt.keep, RowKey: im.keyText, Position: pos, Resolve: mt.resolve}
}

func (mt *mapped) item(c *target.RowChange) Item { return Item{Database: mt.t.Database, Change: c} }

func (mt *mapped) insert(out []Item, after []any, pos string) []Item {
	im, err := mt.image(after)
	if err != nil {
		return append(out, mt.rejectOf(&image{}, pos, err.Error()))
	}
	dst, rej := mt.transform(im)
	if rej != nil {
		rej.Position = pos
		return append(out, Item{Database: mt.t.Database, Reject: rej})
	}
	c := mt.rowChange(target.OpInsert, im, pos)
	c.Columns, c.Values = mt.cols, dst
	return append(out, mt.item(c))
}

func (mt *mapped) delete(out []Item, before []any, pos string) []Item {
	im, err := mt.image(before)
	if err != nil {
		return append(out, mt.rejectOf(&image{}, pos, err.Error()))
	}
	c, reason := mt.deletion(im, pos)
	if c == nil {
		return append(out, mt.rejectOf(im, pos, reason))
	}
	return append(out, mt.item(c))
}

// deletion finds the row an old image names: by its key (computed from the
// key columns alone, so that a value the copy could not cast does not stop
// the delete), or without a key by every column.
func (mt *mapped) deletion(im *image, pos string) (*target.RowChange, string) {
	c := mt.rowChange(target.OpDelete, im, pos)
	if len(mt.key) == 0 {
		if im.partial {
			return nil, "the source sent a partial old row for a table without a key: the row to delete cannot be found"
		}
		dst, rej := mt.transform(im)
		if rej != nil {
			return nil, "the old row cannot be transformed to find it: " + rej.Reason
		}
		c.Columns, c.KeyValues = mt.cols, dst
		return c, ""
	}
	dst := make([]any, len(mt.cols))
	if rej := mt.row.ApplyKey(mt.keyOnly(im).src, dst, mt.key); rej != nil {
		return nil, "the old row's key cannot be transformed: " + rej.Reason
	}
	c.KeyValues = mt.pick(dst)
	return c, ""
}

// keyOnly is the image with every read column that no key column is made
// of set to NULL (the target's NOT NULL columns then load as NULL: see
// transform.Row.ApplyKey).
func (mt *mapped) keyOnly(im *image) *image {
	keep := make([]bool, len(im.src))
	for _, k := range mt.key {
		if mt.uses[k] == nil {
			return im // a key made of what cannot be told: keep the row
		}
		for _, at := range mt.uses[k] {
			if at >= 0 {
				keep[at] = true
			}
		}
	}
	out := *im
	out.src = slices.Clone(im.src)
	for i := range out.src {
		if !keep[i] {
			out.src[i] = nil
		}
	}
	return &out
}

func (mt *mapped) pick(dst []any) []any {
	key := make([]any, len(mt.key))
	for i, k := range mt.key {
		key[i] = dst[k]
	}
	return key
}

func (mt *mapped) truncate(pos string) *target.RowChange {
	c := &target.RowChange{TableID: mt.t.ID, Schema: mt.t.Schema, Table: mt.t.Name, Op: target.OpTruncate, Position: pos}
	if m := mt.t.Merged; m != nil && m.SourceColumn != "" {
		// Only this source's rows of a table merged from several.
		c.Columns, c.KeyValues = []string{m.SourceColumn}, []any{mt.t.Source}
	}
	return c
}
