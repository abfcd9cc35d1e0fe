package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// An expansion table's rows come 0..n from each source row of its parent's
// source table (transform.Row.Expand): a count, a list or a JSON array.
// Each child row is identified by its UUID (the parent's key and its
// ordinal) and references its parent by the parent's row UUID. A chunk's
// target rows are all the children of its source rows' parents, so that a
// child beyond the ones a source row makes is read with them; children of
// parents the source lacks are found by an anti-join at the end.

// parentRef computes a source row's reference to its parent as the child's
// parent column holds it (before any resolution through sluice.legacy_keys):
// KeyUUID over the parent's key.
type parentRef struct {
	col    int   // the parent column in the table's columns
	keys   []int // its key columns' positions in ReadColumns
	ns     uuid.UUID
	source string
	table  string
}

func newParentRef(t *plan.Table, ns uuid.UUID) (parentRef, error) {
	for i, c := range t.Columns {
		if c.Role != plan.RoleRefUUID || c.RefSource != t.Source || c.RefTable != t.SourceTable {
			continue
		}
		p := parentRef{col: i, ns: ns}
		p.source, p.table = c.Identity(t) // a subtype parent's uuid is its root's
		for _, k := range c.KeyColumns {
			j := slices.Index(t.ReadColumns, k)
			if j < 0 {
				return p, fmt.Errorf("the parent key column %s of %s is not read", k, t.ID)
			}
			p.keys = append(p.keys, j)
		}
		return p, nil
	}
	return parentRef{}, fmt.Errorf("%s has no column referencing its parent %s.%s", t.ID, t.Source, t.SourceTable)
}

// of is the parent reference of a source row; false when a key part is NULL.
func (p parentRef) of(vals []any) ([16]byte, bool) {
	key := make([]any, len(p.keys))
	for i, j := range p.keys {
		key[i] = vals[j]
	}
	u, ok := sluice.KeyUUID(p.ns, p.source, p.table, key)
	return [16]byte(u), ok
}

// expanded is what one chunk's source rows make.
type expanded struct {
	parents  [][16]byte // per chunk row, its parent reference, resolved
	hasID    []bool     // per chunk row, whether it has one (no NULL key part)
	children []int      // per chunk row, how many child rows it makes (0 when rejected)
	rejected []bool
}

// checkExpansion compares one chunk of an expansion table.
func (w *worker) checkExpansion(ctx context.Context, c *srcChunk) error {
	w.reset()
	x, err := w.expand(ctx, c)
	if err != nil {
		return err
	}
	if err := w.fetchChildren(ctx, x); err != nil {
		return err
	}
	s := w.s
	s.chunks.Add(1)
	s.rejected.Add(int64(len(w.rejects)))
	s.compared.Add(int64(w.src.len()))
	s.fetched.Add(int64(w.tgt.len()))
	if !w.same(c) {
		if err := w.drillChildren(ctx, c, x); err != nil {
			return err
		}
	}
	return w.checkRejects(ctx)
}

// expand makes and encodes the chunk's child rows; a source row the mapping
// rejects makes none and is set aside.
func (w *worker) expand(ctx context.Context, c *srcChunk) (*expanded, error) {
	n := len(c.vals)
	x := &expanded{parents: make([][16]byte, n), hasID: make([]bool, n), children: make([]int, n), rejected: make([]bool, n)}
	resolving := len(w.s.resolve) > 0
	for i, vals := range c.vals {
		x.parents[i], x.hasID[i] = w.s.parent.of(vals)
		out, rej := w.row.Expand(vals, w.out[:0])
		w.out = out
		if rej != nil {
			w.rejects = append(w.rejects, rowReject{label: c.label(i), rej: rej})
			x.rejected[i] = true
			continue
		}
		x.children[i] = len(out)
		for _, dst := range out {
			if resolving {
				w.pending = append(w.pending, pendingRow{i: i, vals: dst})
			} else {
				w.add(c, i, dst)
			}
		}
	}
	if err := w.s.resolveParents(ctx, x.parents, x.hasID); err != nil {
		return nil, err
	}
	if !resolving {
		return x, nil
	}
	if err := w.s.resolveRefs(ctx, w.pending); err != nil {
		return nil, err
	}
	for _, p := range w.pending {
		w.add(c, p.i, p.vals)
	}
	return x, nil
}

// resolveParents resolves the parent references as the load resolved the
// parent column, when the parent is merged on a natural key.
func (s *scan) resolveParents(ctx context.Context, parents [][16]byte, has []bool) error {
	if !slices.Contains(s.resolve, s.parent.col) {
		return nil
	}
	var ids [][16]byte
	for i, p := range parents {
		if has[i] {
			ids = append(ids, p)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	entities, err := s.entities(ctx, ids)
	if err != nil {
		return err
	}
	for i, p := range parents {
		if e, ok := entities[p]; ok && has[i] {
			parents[i] = e
		}
	}
	return nil
}

// fetchChildren reads every target child row of the chunk's parents.
func (w *worker) fetchChildren(ctx context.Context, x *expanded) error {
	var ids [][16]byte
	for i, p := range x.parents {
		if x.hasID[i] {
			ids = append(ids, p)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	s := w.s
	parent := qualified("", s.view.Columns[s.parent.col].Name)
	q := "SELECT " + s.list + " FROM " + s.v.cat.name + s.v.where("", parent+" = ANY($1::uuid[])")
	return s.fetch(ctx, w.cd, &w.tgt, q, []any{ids})
}

// drillChildren matches the chunk's child rows by their UUIDs: a pair is
// compared column by column, a source child the target lacks is missing,
// and a target child no source row makes is extra.
func (w *worker) drillChildren(ctx context.Context, c *srcChunk, x *expanded) error {
	byID := make(map[string]int, w.src.len())
	for i := range w.src.len() {
		byID[string(w.src.key(i))] = i
	}
	byParent := make(map[[16]byte]int, len(x.parents))
	for i, p := range x.parents {
		if x.hasID[i] {
			byParent[p] = i
		}
	}
	done := make([]bool, w.src.len())
	for j := range w.tgt.len() {
		i, ok := byID[string(w.tgt.key(j))]
		if !ok || done[i] {
			w.extraChild(c, x, j, byParent)
			continue
		}
		done[i] = true
		w.compare(c, i, j)
	}
	var missing []int
	for i, d := range done {
		if !d {
			missing = append(missing, i)
		}
	}
	return w.missing(ctx, c, missing)
}

// extraChild reports target child j, which no source row makes: beyond its
// source row's children, or a child of a source row the mapping rejects.
// Where the strategy keeps rows whose source row is gone, such a child (of
// an earlier load, when the row made more) is kept.
func (w *worker) extraChild(c *srcChunk, x *expanded, j int, byParent map[[16]byte]int) {
	s := w.s
	if keeps(s.v.t) {
		s.kept.Add(1)
		return
	}
	w.fb = fields(w.tgt.row(j), w.fb)
	var parent [16]byte
	copy(parent[:], w.fb[s.parent.col].b)
	i := byParent[parent]
	label := c.label(i)
	detail := fmt.Sprintf("the source row makes %s of %s; this one is not among them", plural(x.children[i], "row"), s.v.t.Name)
	if x.rejected[i] {
		detail = "the mapping rejects the source row, which makes no rows of " + s.v.t.Name
	}
	s.v.add(Finding{Level: LevelContent, Check: "extra row", LegacyKey: label, Key: w.identText(w.fb), Detail: detail})
}
