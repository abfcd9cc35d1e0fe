package stream

import (
	"fmt"
	"slices"

	"github.com/sluicedb/sluice/target"
)

// update applies a changed row: by its key when the key stays, as a delete
// of the old row and an insert of the new one when the key changed (or the
// table has none).
func (mt *mapped) update(out []Item, before, after []any, pos string) []Item {
	next, err := mt.image(after)
	if err != nil {
		return append(out, mt.rejectOf(&image{}, pos, err.Error()))
	}
	var old *image
	if before != nil {
		if old, err = mt.image(before); err != nil {
			return append(out, mt.rejectOf(next, pos, err.Error()))
		}
		fillUnchanged(next, old)
	}
	dst, rej := mt.transform(next)
	if rej != nil {
		rej.Position = pos
		return append(out, Item{Database: mt.t.Database, Reject: rej})
	}
	if len(mt.key) == 0 {
		return mt.replace(out, old, next, dst, pos)
	}
	newKey := mt.pick(dst)
	if old != nil {
		if del, _ := mt.deletion(old, pos); del != nil && !sameKey(del.KeyValues, newKey) {
			return mt.moveKey(out, del, next, dst, pos)
		}
	}
	if next.partial {
		if c := mt.partialUpdate(next, dst, newKey, pos); c != nil {
			out = append(out, mt.item(c))
		}
		return out // nothing the source sent changes a target column
	}
	c := mt.rowChange(target.OpUpsert, next, pos)
	c.Columns, c.Values = mt.cols, dst
	return append(out, mt.item(c))
}

// fillUnchanged takes a value the new image lacks from the old image, which
// has it when the source sends whole old rows (REPLICA IDENTITY FULL).
func fillUnchanged(next, old *image) {
	next.partial = false
	for i := range next.src {
		if next.unchanged[i] && !old.unchanged[i] {
			next.src[i], next.unchanged[i] = old.src[i], false
		}
		next.partial = next.partial || next.unchanged[i]
	}
}

// moveKey deletes the row at its old key and inserts it at its new one.
func (mt *mapped) moveKey(out []Item, del *target.RowChange, next *image, dst []any, pos string) []Item {
	if next.partial {
		return append(out, mt.rejectOf(next, pos, "the key changed but the source did not send every value of the new row (unchanged TOAST values): set REPLICA IDENTITY FULL on the source table"))
	}
	ins := mt.rowChange(target.OpUpsert, next, pos)
	ins.Columns, ins.Values = mt.cols, dst
	return append(out, mt.item(del), mt.item(ins))
}

// replace changes a row of a table without a key: one row equal to the old
// image goes, the new one comes.
func (mt *mapped) replace(out []Item, old, next *image, dst []any, pos string) []Item {
	if old == nil || old.partial || next.partial {
		return append(out, mt.rejectOf(next, pos, "the source did not send the whole old row of a table without a key: the row to change cannot be found"))
	}
	del, reason := mt.deletion(old, pos)
	if del == nil {
		return append(out, mt.rejectOf(next, pos, reason))
	}
	ins := mt.rowChange(target.OpInsert, next, pos)
	ins.Columns, ins.Values = mt.cols, dst
	return append(out, mt.item(del), mt.item(ins))
}

// partialUpdate sets only the target columns made wholly of values the
// source sent; the others keep the target's value.
func (mt *mapped) partialUpdate(next *image, dst, key []any, pos string) *target.RowChange {
	c := mt.rowChange(target.OpUpdate, next, pos)
	c.KeyValues = key
	for i, name := range mt.cols {
		if slices.Contains(mt.key, i) || slices.Contains(mt.keep, name) || !mt.sent(i, next) {
			continue
		}
		c.Columns = append(c.Columns, name)
		c.Values = append(c.Values, dst[i])
	}
	if len(c.Columns) == 0 {
		return nil
	}
	return c
}

// sent says that target column i is made only of values the image has.
func (mt *mapped) sent(i int, im *image) bool {
	if mt.uses[i] == nil {
		return false
	}
	for _, at := range mt.uses[i] {
		if at < 0 || im.unchanged[at] {
			return false
		}
	}
	return true
}

func sameKey(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameValue compares key values of the same column across two images: the
// common key types directly (a MariaDB source sends the old row of every
// update, so this runs for each), any other by its type and text.
func sameValue(a, b any) bool {
	switch a.(type) {
	case int64, int32, int16, int, uint64, string, bool, [16]byte:
		return a == b
	}
	return fmt.Sprintf("%T %v", a, a) == fmt.Sprintf("%T %v", b, b)
}
