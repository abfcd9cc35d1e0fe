package stream

import (
	"slices"

	"github.com/sluicedb/sluice"
)

// Touch hears, for every planned table a source change reaches, the
// source key of each row the change touches (an update's old and new key),
// or all when the change may touch any row: a truncate, a table without a
// key, a key the change does not carry.
type Touch func(tableID string, key []any, all bool)

// Watch makes Map tell touch of every row change it is given, before
// deciding whether to apply it: what touch hears covers every row the
// stream changed, and perhaps more. A cutover's proof reads again, under
// the freeze, only the chunks of rows touched since it verified them.
func (m *Mapper) Watch(touch Touch) { m.touch = touch }

func (m *Mapper) tell(ch *sluice.Change) {
	if m.touch == nil {
		return
	}
	for _, mt := range m.tables[ch.Table] {
		if ch.Kind == sluice.ChangeTruncate || len(mt.t.Key) == 0 {
			m.touch(mt.t.ID, nil, true)
			continue
		}
		for _, row := range [][]any{ch.Before, ch.After} {
			if row == nil {
				continue
			}
			key, ok := mt.sourceKey(row)
			m.touch(mt.t.ID, key, !ok)
		}
	}
}

// sourceKey picks the source key's values out of a change's row.
func (mt *mapped) sourceKey(row []any) ([]any, bool) {
	if len(row) != len(mt.layout) {
		return nil, false
	}
	key := make([]any, len(mt.t.Key))
	for i, name := range mt.t.Key {
		at := slices.Index(mt.layout, name)
		if at < 0 {
			return nil, false
		}
		if _, unsent := row[at].(sluice.Unchanged); unsent {
			return nil, false
		}
		key[i] = row[at]
	}
	return key, true
}
