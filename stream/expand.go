package stream

import (
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/target"
)

// An expansion table's rows are the children of one source row each (a
// count column's n rows, a list's elements): they follow their parent row.
// A new row inserts its children, a changed row replaces them (the old
// children go, the new set comes, as the copy would make it), a deleted
// row deletes them, a truncate empties the table. Children are found by
// their parent column, the parent row's uuid.
//
// The children reference their parent row on the target, so the removals
// of a change go before the parent table's own changes and the insertions
// after (see Map).

// mapChildren appends the removals and insertions of children one change
// makes.
func (mt *mapped) mapChildren(removals, additions []Item, ch *sluice.Change, pos string) ([]Item, []Item) {
	switch ch.Kind {
	case sluice.ChangeInsert:
		im, err := mt.image(ch.After)
		if err != nil {
			return removals, append(additions, mt.rejectOf(&image{}, pos, err.Error()))
		}
		return removals, mt.children(additions, im, pos)
	case sluice.ChangeUpdate:
		return mt.replaceChildren(removals, additions, ch.Before, ch.After, pos)
	case sluice.ChangeDelete:
		im, err := mt.image(ch.Before)
		if err != nil {
			return append(removals, mt.rejectOf(&image{}, pos, err.Error())), additions
		}
		return mt.removeChildren(removals, im, pos), additions
	case sluice.ChangeTruncate:
		return append(removals, mt.item(mt.truncate(pos))), additions
	}
	return removals, additions
}

// replaceChildren removes the children of the old row (of the new one when
// the source sent no old row: its key did not change) and inserts the new
// row's.
func (mt *mapped) replaceChildren(removals, additions []Item, before, after []any, pos string) ([]Item, []Item) {
	next, err := mt.image(after)
	if err != nil {
		return removals, append(additions, mt.rejectOf(&image{}, pos, err.Error()))
	}
	old := next
	if before != nil {
		if old, err = mt.image(before); err != nil {
			return removals, append(additions, mt.rejectOf(next, pos, err.Error()))
		}
		fillUnchanged(next, old)
	}
	if next.partial {
		return removals, append(additions, mt.rejectOf(next, pos, "the source did not send every value of the changed row (unchanged TOAST values), which its expanded rows are made of: set REPLICA IDENTITY FULL on the source table"))
	}
	return mt.removeChildren(removals, old, pos), mt.children(additions, next, pos)
}

// children inserts the rows one source row expands into.
func (mt *mapped) children(out []Item, im *image, pos string) []Item {
	rows, rej := mt.row.Expand(im.src, nil)
	if rej != nil {
		return append(out, Item{Database: mt.t.Database, Reject: &target.StreamReject{Reject: target.Reject{Key: im.keyText, Source: mt.t.Source,
			SourceTable: mt.t.SourceTable, Column: rej.Column, Raw: rej.Raw, Reason: rej.Reason}, TableID: mt.t.ID, Table: mt.t.Name, Position: pos}})
	}
	for _, row := range rows {
		c := mt.rowChange(target.OpInsert, im, pos)
		c.Columns, c.Values = mt.cols, row
		out = append(out, mt.item(c))
	}
	return out
}

// removeChildren deletes every child of a source row: the rows whose
// parent column holds its uuid.
func (mt *mapped) removeChildren(out []Item, im *image, pos string) []Item {
	parent, v, rej := mt.row.Parent(im.src)
	if rej != nil {
		return append(out, mt.rejectOf(im, pos, "the old row's key cannot be transformed to find its expanded rows: "+rej.Reason))
	}
	c := mt.rowChange(target.OpDelete, im, pos)
	c.Key, c.KeyValues = []string{parent}, []any{v}
	return append(out, mt.item(c))
}
