package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// KeySetCheckable reports whether levels 5 and 6 of t can compare the rows
// of chosen keys only (Options.Keys): a table that is neither an expansion
// nor a part merged on a natural key, references nothing through
// sluice.legacy_keys, and whose source key is one integer column kept as
// such in the target (its legacy key, or its own key under keys: keep), so
// that the rows of a key are found on both sides by that one value.
func KeySetCheckable(t *plan.Table) bool {
	return t.Expansion == nil && !matched(t) && len(t.Key) == 1 && len(shapeOf(t).rangeOn) == 1 && len(resolveColumns(t)) == 0
}

// keySet is the sorted, distinct keys of a table that Options.Keys names,
// and whether it names the table.
func (s *scan) keySet() ([]int64, bool) {
	keys, ok := s.v.o.Keys[s.v.t.ID]
	if !ok || !KeySetCheckable(s.v.t) {
		return nil, false
	}
	keys = slices.Clone(keys)
	slices.Sort(keys)
	return slices.Compact(keys), true
}

// eachKeyChunk reads the source rows of keys, chunk_rows keys at a time,
// and calls fn with each chunk; its target rows are then those of the same
// keys (keysSQL).
func (s *scan) eachKeyChunk(ctx context.Context, keys []int64, fn func(*srcChunk) error) error {
	r, ok := s.v.src.(sluice.KeySetReader)
	if !ok {
		return fmt.Errorf("verify %s: source %s cannot read rows by key", s.v.t.ID, s.v.t.Source)
	}
	t := s.view
	for no, start := 1, 0; start < len(keys); no, start = no+1, start+s.chunkRows {
		batch := keys[start:min(start+s.chunkRows, len(keys))]
		req := sluice.ReadRequest{Table: t.SourceTable, Columns: t.ReadColumns, Key: t.Key, Where: t.Where}
		c, err := readKeyChunk(ctx, r, req, no, batch)
		if err != nil {
			return fmt.Errorf("read %s keys %d..%d: %w", t.ID, batch[0], batch[len(batch)-1], err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

func readKeyChunk(ctx context.Context, r sluice.KeySetReader, req sluice.ReadRequest, no int, keys []int64) (*srcChunk, error) {
	it, err := r.ReadKeys(ctx, req, keys)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	c := &srcChunk{no: no, keySet: keys}
	for it.Next() {
		c.vals = append(c.vals, it.Values())
		c.last = it.Key()
		c.keys = append(c.keys, c.last)
	}
	return c, it.Err()
}

// keysSQL selects the target rows of a chunk's keys, in key order.
func (s *scan) keysSQL(c *srcChunk) (string, []any) {
	col := qualified("", s.view.Columns[s.sh.rangeOn[0]].Name)
	q := "SELECT " + s.list + " FROM " + s.v.cat.name + s.v.where("", col+" = ANY($1::bigint[])")
	return q + " ORDER BY " + col, []any{c.keySet}
}

// keySetDetail says, in the result of levels 5 and 6, that only chosen
// keys were compared.
func (s *scan) keySetDetail() string {
	if !s.byKeys {
		return ""
	}
	return fmt.Sprintf("; only the rows of %d chosen keys read (the other rows proven before)", s.keyCount)
}
