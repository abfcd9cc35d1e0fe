package verify

import (
	"bytes"

	"context"
	"github.com/sluicedb/sluice/config"
	"strings"
)

// drill compares a chunk whose digests differ row by row: each target row
// is matched to its source row by identity (the row UUID, or the key), else
// by legacy key; a matched pair is compared column by column, and what is
// left over on either side is a missing or an extra row.
func (w *worker) drill(ctx context.Context, c *srcChunk) error {
	if err := w.fetchStrays(ctx); err != nil {
		return err
	}
	byKey, byLegacy := w.indexSource()
	matched := make([]bool, w.src.len())
	for j := range w.tgt.len() {
		i, ok := byKey[string(w.tgt.key(j))]
		if !ok || matched[i] {
			i, ok = byLegacy[string(w.tgt.legacy(j))]
		}
		if !ok || matched[i] {
			w.extra(j, byKey, byLegacy)
			continue
		}
		matched[i] = true
		w.compare(c, i, j)
	}
	var missing []int
	for i, m := range matched {
		if !m {
			missing = append(missing, i)
		}
	}
	return w.missing(ctx, c, missing)
}

// fetchStrays reads, for a chunk selected by identity, the target rows that
// carry a source row's legacy key under another UUID: a UUID that is not the
// one the key function gives.
func (w *worker) fetchStrays(ctx context.Context) error {
	sh := w.s.sh
	if sh.rangeOn != nil || !sh.uuidKeys() {
		return nil
	}
	have := map[string]bool{}
	for j := range w.tgt.len() {
		have[string(w.tgt.key(j))] = true
	}
	var lost []any
	for i := range w.src.len() {
		if !have[string(w.src.key(i))] {
			lost = append(lost, w.legacies[i])
		}
	}
	if len(lost) == 0 {
		return nil
	}
	var strays rowSet
	q, args := w.s.inSQL([]int{sh.legacy}, [][]any{lost})
	if err := w.s.fetch(ctx, w.cd, &strays, q, args); err != nil {
		return err
	}
	for j := range strays.len() {
		if !have[string(strays.key(j))] {
			w.tgt.appendFrom(&strays, j)
			w.s.fetched.Add(1)
		}
	}
	return nil
}

// indexSource maps the source rows' identities and legacy keys to their
// positions.
func (w *worker) indexSource() (byKey, byLegacy map[string]int) {
	byKey, byLegacy = make(map[string]int, w.src.len()), map[string]int{}
	for i := range w.src.len() {
		byKey[string(w.src.key(i))] = i
		if w.s.sh.legacy >= 0 {
			byLegacy[string(w.src.legacy(i))] = i
		}
	}
	return byKey, byLegacy
}

// compare reports each column in which target row j differs from source row
// i; under keys: uuid a different UUID or legacy key is also a level 5
// finding, except a UUID of the row's own under Options.OwnUUIDs.
func (w *worker) compare(c *srcChunk, i, j int) {
	var excused func(string) bool
	if sh := w.s.sh; w.s.v.o.OwnUUIDs && sh.uuidKeys() {
		own := w.s.view.Columns[sh.rowUUID].Name
		excused = func(col string) bool { return col == own }
	}
	w.compareExcept(c, i, j, excused)
}

// compareExcept is compare, but a column for which excused (when set) holds
// is no finding.
func (w *worker) compareExcept(c *srcChunk, i, j int, excused func(col string) bool) {
	if bytes.Equal(w.src.row(i), w.tgt.row(j)) {
		return
	}
	if w.s.v.t.Strategy == config.StrategyAppend {
		// The row is there under its key (or it would be missing, not
		// different); append loads a key once and never updates it.
		w.s.unupdated.Add(1)
		return
	}
	w.fa, w.fb = fields(w.src.row(i), w.fa), fields(w.tgt.row(j), w.fb)
	legacyKey, key := rowLabel(c.keys[w.src.origin[i]], 0), w.identText(w.fb)
	sh, v := &w.s.sh, w.s.v
	for k, col := range w.s.view.Columns {
		a, b := w.fa[k], w.fb[k]
		if a.null == b.null && a.failed == b.failed && bytes.Equal(a.b, b.b) || excused != nil && excused(col.Name) {
			continue
		}
		f := Finding{Level: LevelContent, Check: "value", LegacyKey: legacyKey, Key: key, Column: col.Name,
			SourceValue: w.cd.text(k, a), TargetValue: w.cd.text(k, b)}
		if w.holdRef(k, a, b, f) {
			continue
		}
		v.add(f)
		switch k {
		case sh.rowUUID:
			f.Level, f.Check, f.Detail = LevelLegacy, "wrong uuid", "the row's UUID is not the one the key function gives its legacy key"
			v.add(f)
		case sh.legacy:
			f.Level, f.Check, f.Detail = LevelLegacy, "changed legacy key", "the row with this UUID holds another legacy key"
			v.add(f)
		}
	}
}

// extra reports target row j, which no source row of its chunk matches. A
// row whose source row is gone (neither its identity nor its legacy key is
// one of the chunk's, whose key range it is in) is only counted where the
// strategy keeps such rows.
func (w *worker) extra(j int, byKey, byLegacy map[string]int) {
	_, knownKey := byKey[string(w.tgt.key(j))]
	_, knownLegacy := byLegacy[string(w.tgt.legacy(j))]
	if keeps(w.s.v.t) && !knownKey && !knownLegacy {
		w.s.kept.Add(1)
		return
	}
	w.fb = fields(w.tgt.row(j), w.fb)
	key := w.identText(w.fb)
	legacy, sh := key, &w.s.sh
	if sh.legacy >= 0 {
		legacy = w.cd.text(sh.legacy, w.fb[sh.legacy])
	}
	w.s.v.add(Finding{Level: LevelContent, Check: "extra row", LegacyKey: legacy, Key: key,
		Detail: "the target row matches no source row"})
	if sh.uuidKeys() && !knownLegacy {
		w.s.v.add(Finding{Level: LevelLegacy, Check: "extra key", LegacyKey: legacy, Key: key,
			Detail: "no source row has this legacy key"})
	}
}

// missing reports the source rows without a target row, except those
// sluice.rejects records (PostgreSQL refused them during the load).
func (w *worker) missing(ctx context.Context, c *srcChunk, rows []int) error {
	if len(rows) == 0 {
		return nil
	}
	labels := make([]string, len(rows))
	for n, i := range rows {
		labels[n] = rowLabel(c.keys[w.src.origin[i]], 0)
	}
	v := w.s.v
	found, err := v.load.recorded(ctx, v.state, v.t.ID, labels)
	if err != nil {
		return err
	}
	for n, i := range rows {
		if found[labels[n]] {
			continue
		}
		key := w.identText(fields(w.src.row(i), w.fa))
		v.add(Finding{Level: LevelContent, Check: "missing row", LegacyKey: labels[n], Key: key,
			Detail: "the source row is neither in the target nor in sluice.rejects"})
		if w.s.sh.uuidKeys() {
			v.add(Finding{Level: LevelLegacy, Check: "missing key", LegacyKey: labels[n], Key: key,
				Detail: "no target row has this legacy key"})
		}
	}
	return nil
}

// identText is the readable identity of an encoded row: its UUID, or its
// key values joined with '|'.
func (w *worker) identText(fs []field) string {
	parts := make([]string, len(w.s.sh.ident))
	for n, k := range w.s.sh.ident {
		parts[n] = w.cd.text(k, fs[k])
	}
	return strings.Join(parts, "|")
}
