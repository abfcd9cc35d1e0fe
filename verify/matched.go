package verify

import (
	"bytes"
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
)

// A part of a table merged on a natural key (match_on) does not own a target
// row per source row: rows of several sources with the same natural key are
// one entity, whose row id is the match UUID of that key and whose row is
// owned by one source row, named by the row's source and legacy columns. A
// source row of the part is therefore either
//
//   - the owner of its entity's row: every value is compared, except the
//     columns the part does not provide (fill), which rows of other sources
//     may have given the entity, and the columns whose manual conflict was
//     resolved to another value;
//   - matched into a row another source row owns: its values are not
//     compared (the owner's are the row's); what is checked is that its
//     entity row exists.
//
// Either way sluice.legacy_keys must map its legacy identity
// (transform.Row.Identity) to the entity the match UUID names, with its
// legacy key: that is what level 5 checks for a matched part, and level 1
// counts those rows against the source. Conflicts queued for a person are
// not findings.

// matched reports a part of a table merged on a natural key.
func matched(t *plan.Table) bool { return t.Merged != nil && len(t.Merged.MatchOn) > 0 }

// legacyKey is a row of sluice.legacy_keys.
type legacyKey struct {
	entity  [16]byte
	legacy  string
	tableID string
}

// checkMatched compares one chunk of a matched part.
func (w *worker) checkMatched(ctx context.Context, c *srcChunk) error {
	w.reset()
	if err := w.transform(ctx, c); err != nil {
		return err
	}
	if err := w.fetchOwned(ctx); err != nil {
		return err
	}
	keys, err := w.legacyKeysOf(ctx)
	if err != nil {
		return err
	}
	s := w.s
	s.chunks.Add(1)
	s.rejected.Add(int64(len(w.rejects)))
	s.compared.Add(int64(w.src.len()))
	s.fetched.Add(int64(w.tgt.len()))
	s.keysFound.Add(int64(len(keys)))
	owner := w.owners()
	s.owned.Add(int64(w.tgt.len()))
	w.reportOwned(c, owner)
	if err := w.compareOwned(ctx, c, owner); err != nil {
		return err
	}
	absent, err := w.absentEntities(ctx, owner)
	if err != nil {
		return err
	}
	if err := w.checkKeys(ctx, c, keys, absent); err != nil {
		return err
	}
	return w.checkRejects(ctx)
}

// fetchOwned reads the target rows the chunk's source rows own: those of
// this part's source with their legacy keys (a unique pair).
func (w *worker) fetchOwned(ctx context.Context) error {
	if w.src.len() == 0 {
		return nil
	}
	q, args := w.s.inSQL([]int{w.s.sh.legacy}, [][]any{w.legacies})
	return w.s.fetch(ctx, w.cd, &w.tgt, q, args)
}

// legacyKeysOf reads the sluice.legacy_keys rows of the chunk's identities.
func (w *worker) legacyKeysOf(ctx context.Context) (map[[16]byte]legacyKey, error) {
	keys := map[[16]byte]legacyKey{}
	if len(w.ids) == 0 {
		return keys, nil
	}
	ids := make([][16]byte, len(w.ids))
	for i, id := range w.ids {
		ids[i] = id
	}
	rows, err := w.s.v.state.LegacyKeys(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read sluice.legacy_keys of %s: %w", w.s.v.t.ID, err)
	}
	for id, k := range rows {
		keys[id] = legacyKey{entity: k.Entity, legacy: k.LegacyKey, tableID: k.TableID}
	}
	return keys, nil
}

// owners pairs each source row with the target row it owns (the same legacy
// key; the source is the part's by the fetch), or -1.
func (w *worker) owners() []int {
	byLegacy := make(map[string]int, w.tgt.len())
	for j := range w.tgt.len() {
		byLegacy[string(w.tgt.legacy(j))] = j
	}
	owner := make([]int, w.src.len())
	for i := range owner {
		j, ok := byLegacy[string(w.src.legacy(i))]
		if !ok {
			j = -1
		}
		owner[i] = j
	}
	return owner
}

// reportOwned gives OnChunk the digests of the owned rows on both sides:
// the rows a matched part's chunk answers for value by value.
func (w *worker) reportOwned(c *srcChunk, owner []int) {
	if w.s.v.o.OnChunk == nil {
		return
	}
	var src, tgt rowSet
	for i, j := range owner {
		if j >= 0 {
			src.appendFrom(&w.src, i)
			tgt.appendFrom(&w.tgt, j)
		}
	}
	w.report(c, w.digest(&src), w.digest(&tgt))
}

// compareOwned compares each owned row with its source row. Under manual
// conflicts, a column whose conflict on the entity was resolved holds the
// resolution, not the owner's value.
func (w *worker) compareOwned(ctx context.Context, c *srcChunk, owner []int) error {
	var differ [][16]byte
	for i, j := range owner {
		if j >= 0 && !bytes.Equal(w.src.row(i), w.tgt.row(j)) {
			differ = append(differ, w.entityOf(i))
		}
	}
	if len(differ) == 0 {
		return nil
	}
	resolved, err := w.resolvedConflicts(ctx, differ)
	if err != nil {
		return err
	}
	for i, j := range owner {
		if j >= 0 {
			entity := w.entityOf(i)
			w.compareExcept(c, i, j, func(col string) bool { return resolved[conflictKey{entity, col}] })
		}
	}
	return nil
}

// entityOf is the match UUID of source row i.
func (w *worker) entityOf(i int) [16]byte {
	u, _ := w.idents[0][i].([16]byte)
	return u
}

// conflictKey is an entity's column.
type conflictKey struct {
	entity [16]byte
	column string
}

// resolvedConflicts reads which columns of the entities have a resolved
// conflict in sluice.conflicts.
func (w *worker) resolvedConflicts(ctx context.Context, entities [][16]byte) (map[conflictKey]bool, error) {
	out := map[conflictKey]bool{}
	v := w.s.v
	if v.t.Merged.Conflict != config.ConflictManual {
		return out, nil
	}
	cells, err := v.state.ResolvedConflicts(ctx, schemaOf(v.p, v.t), v.t.Name, entities)
	if err != nil {
		return nil, err
	}
	for _, c := range cells {
		out[conflictKey{entity: c.Entity, column: c.Column}] = true
	}
	return out, nil
}

// absentEntities returns, for the source rows that own no row, whether
// their entity's row is missing from the target.
func (w *worker) absentEntities(ctx context.Context, owner []int) (map[int]bool, error) {
	var ids [][16]byte
	for i, j := range owner {
		if j < 0 {
			ids = append(ids, w.entityOf(i))
		}
	}
	absent := map[int]bool{}
	if len(ids) == 0 {
		return absent, nil
	}
	v := w.s.v
	id := v.t.Columns[w.s.sh.rowUUID].Name
	rows, err := v.db.Query(ctx, "SELECT "+qualified("", id)+" FROM "+v.cat.name+
		whereAll(loadedCond(v.t, ""), qualified("", id)+" = ANY($1::uuid[])"), ids)
	if err != nil {
		return nil, fmt.Errorf("look up the entities of %s: %w", v.t.ID, err)
	}
	defer rows.Close()
	have := map[[16]byte]bool{}
	for rows.Next() {
		var u [16]byte
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("look up the entities of %s: %w", v.t.ID, err)
		}
		have[u] = true
	}
	for i, j := range owner {
		if j < 0 && !have[w.entityOf(i)] {
			absent[i] = true
		}
	}
	return absent, rows.Err()
}

// checkKeys checks each source row's sluice.legacy_keys row, and reports
// the rows whose entity the target lacks (unless sluice.rejects holds them:
// PostgreSQL refused them during the load).
func (w *worker) checkKeys(ctx context.Context, c *srcChunk, keys map[[16]byte]legacyKey, absent map[int]bool) error {
	recorded, err := w.recordedOf(ctx, c, absent)
	if err != nil {
		return err
	}
	for i := range w.src.len() {
		label := rowLabel(c.keys[w.src.origin[i]], 0)
		if recorded[label] {
			continue
		}
		key := uuid.UUID(w.entityOf(i)).String()
		if absent[i] {
			w.s.v.add(Finding{Level: LevelContent, Check: "missing row", LegacyKey: label, Key: key,
				Detail: "the target holds no row of this source row's entity"})
		}
		w.checkKey(label, key, i, keys)
	}
	return nil
}

// recordedOf looks up which absent rows sluice.rejects records.
func (w *worker) recordedOf(ctx context.Context, c *srcChunk, absent map[int]bool) (map[string]bool, error) {
	var labels []string
	for i := range absent {
		labels = append(labels, rowLabel(c.keys[w.src.origin[i]], 0))
	}
	v := w.s.v
	return v.load.recorded(ctx, v.state, v.t.ID, labels)
}

// checkKey is level 5 for source row i: its legacy identity is mapped to
// its entity, with its legacy key, for this part.
func (w *worker) checkKey(label, key string, i int, keys map[[16]byte]legacyKey) {
	v := w.s.v
	k, ok := keys[[16]byte(w.ids[i])]
	switch {
	case w.ids[i] == uuid.Nil:
		return // no identity: the row's key has a NULL part, and the mapping rejected it
	case !ok:
		v.add(Finding{Level: LevelLegacy, Check: "missing key", LegacyKey: label, Key: key,
			Detail: "sluice.legacy_keys does not map this row's legacy identity " + w.ids[i].String()})
	case k.entity != w.entityOf(i):
		v.add(Finding{Level: LevelLegacy, Check: "wrong entity", LegacyKey: label, Key: key, Column: "entity",
			SourceValue: key, TargetValue: uuid.UUID(k.entity).String(),
			Detail: "sluice.legacy_keys maps this row to another entity than its natural key's"})
	case k.legacy != w.legacyText(i) || k.tableID != v.t.ID:
		v.add(Finding{Level: LevelLegacy, Check: "changed legacy key", LegacyKey: label, Key: key, Column: "legacy_key",
			SourceValue: v.t.ID + " " + w.legacyText(i), TargetValue: k.tableID + " " + k.legacy,
			Detail: "sluice.legacy_keys holds another table or legacy key for this row's legacy identity"})
	}
}

// legacyText is source row i's legacy key, as the legacy column holds it.
func (w *worker) legacyText(i int) string {
	s, _ := w.legacies[i].(string)
	return s
}
