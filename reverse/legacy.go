package reverse

import (
	"context"
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/inverse"
	"github.com/sluicedb/sluice/target"
)

// A row the application inserts on the target has no legacy key until the
// stream applies the insert and writes the key the source generated back.
// An update or a delete of that row made before then comes through the
// stream with no legacy key in its row images. The stream fills it in: from
// the keys it wrote back during this run, else from the row on the target
// as it is now (its key written back by an earlier run).

// maxKnown bounds the keys kept in memory; past it they are forgotten and
// read from the target again.
const maxKnown = 100_000

// known records the key written back into a row of a table.
func (s *Stream) known(inv *inverse.Table, after []any, key []any) {
	_, vals := inv.Identity(after)
	id, ok := rowID(vals)
	if !ok {
		return
	}
	if len(s.keys) >= maxKnown || s.keys == nil {
		s.keys = map[insertKey]any{}
	}
	s.keys[insertKey{inv.Name(), id}] = legacyOf(key)
}

// withLegacy returns row with its legacy key filled in when it has none
// and the stream knows it; row otherwise.
func (s *Stream) withLegacy(ctx context.Context, inv *inverse.Table, row []any) ([]any, error) {
	at := slices.Index(inv.Columns(), inv.LegacyColumn())
	if row == nil || at < 0 || row[at] != nil {
		return row, nil
	}
	cols, vals := inv.Identity(row)
	id, ok := rowID(vals)
	if !ok {
		return row, nil
	}
	key, found := s.keys[insertKey{inv.Name(), id}]
	if !found {
		ref, ok, err := s.Target.ReadReferenced(ctx, target.RowRef{Schema: s.Schema, Table: inv.Name(), Key: cols[0], Legacy: inv.LegacyColumn()}, id)
		if err != nil || !ok {
			return row, err
		}
		key = ref.Legacy
	}
	out := slices.Clone(row)
	out[at] = key
	return out, nil
}

// rowID is a single uuid primary key's value.
func rowID(vals []any) ([16]byte, bool) {
	if len(vals) != 1 {
		return [16]byte{}, false
	}
	id, ok := vals[0].([16]byte)
	return id, ok
}

// fillLegacy fills in the legacy key of an update's or a delete's rows.
func (s *Stream) fillLegacy(ctx context.Context, inv *inverse.Table, c sluice.Change) (sluice.Change, error) {
	if c.Kind != sluice.ChangeUpdate && c.Kind != sluice.ChangeDelete {
		return c, nil
	}
	var err error
	if c.Before, err = s.withLegacy(ctx, inv, c.Before); err != nil {
		return c, err
	}
	c.After, err = s.withLegacy(ctx, inv, c.After)
	return c, err
}
