package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/transform"
)

// ChunkDigest is the content hash of one chunk on each side: SHA-256 over
// the chunk's rows, each encoded canonically (see the package doc), in key
// order. Equal digests prove the chunk's rows equal; Options.OnChunk
// receives them, for an audit trail. For a part merged on a natural key
// they cover the rows the chunk's source rows own (see matched.go).
type ChunkDigest struct {
	Table      string
	Chunk      int
	After      string // the exclusive lower key bound (sluice.KeyText), "" for the first chunk
	Last       string // the last key read, "" for an empty chunk
	SourceRows int    // source rows the mapping does not reject
	TargetRows int
	Source     [32]byte
	Target     [32]byte
}

// worker compares chunks of one table, one at a time, with its own
// transform and codec (neither is safe for concurrent use).
type worker struct {
	s        *scan
	row      *transform.Row
	cd       *codec
	dst      []any
	src, tgt rowSet
	idents   [][]any     // per identity column, the source rows' values (to select the target rows)
	legacies []any       // the source rows' legacy keys (keys: uuid), for rows not found by UUID
	refs     []refCheck  // value findings held back (ownrefs.go)
	ids      []uuid.UUID // matched parts: the source rows' legacy identities
	rejects  []rowReject
	pending  []pendingRow // rows waiting for their references to be resolved
	out      [][]any      // expansions: the child rows of one source row
	fa, fb   []field
}

// pendingRow is a transformed source row kept until the chunk's references
// to matched entities are resolved.
type pendingRow struct {
	i    int // its position in the chunk
	vals []any
}

// rowReject is a source row the mapping rejects.
type rowReject struct {
	label string
	rej   *transform.Reject
}

func (s *scan) newWorker() (*worker, error) {
	row, err := transform.Compile(s.view, s.v.p.Namespace)
	if err != nil {
		return nil, fmt.Errorf("compile the mapping of %s: %w", s.view.ID, err)
	}
	return &worker{s: s, row: row, cd: newCodec(s.oids), dst: make([]any, len(s.view.Columns)),
		idents: make([][]any, len(s.sh.ident))}, nil
}

func (w *worker) reset() {
	w.src.reset()
	w.tgt.reset()
	for i := range w.idents {
		w.idents[i] = w.idents[i][:0]
	}
	w.legacies, w.rejects, w.ids, w.pending = w.legacies[:0], w.rejects[:0], w.ids[:0], w.pending[:0]
}

// check compares one chunk, then settles the findings it held back.
func (w *worker) check(ctx context.Context, c *srcChunk) error {
	if err := w.checkChunk(ctx, c); err != nil {
		return err
	}
	return w.settleRefs(ctx)
}

// checkChunk compares one chunk: the digests of both sides, and only when
// they differ, row by row.
func (w *worker) checkChunk(ctx context.Context, c *srcChunk) error {
	switch {
	case w.s.v.t.Expansion != nil:
		return w.checkExpansion(ctx, c)
	case matched(w.s.v.t):
		return w.checkMatched(ctx, c)
	}
	w.reset()
	if err := w.transform(ctx, c); err != nil {
		return err
	}
	if err := w.fetch(ctx, c); err != nil {
		return err
	}
	s := w.s
	s.chunks.Add(1)
	s.rejected.Add(int64(len(w.rejects)))
	s.compared.Add(int64(w.src.len()))
	s.fetched.Add(int64(w.tgt.len()))
	if !w.same(c) {
		if err := w.drill(ctx, c); err != nil {
			return err
		}
	}
	return w.checkRejects(ctx)
}

// transform maps and encodes the chunk's source rows; rejected rows are set
// aside. References to a table merged on a natural key are resolved as the
// load resolved them, a chunk at a time.
func (w *worker) transform(ctx context.Context, c *srcChunk) error {
	resolving := len(w.s.resolve) > 0
	for i, vals := range c.vals {
		if rej := w.row.Apply(vals, w.dst); rej != nil {
			w.rejects = append(w.rejects, rowReject{label: c.label(i), rej: rej})
			continue
		}
		if resolving {
			w.pending = append(w.pending, pendingRow{i: i, vals: slices.Clone(w.dst)})
			continue
		}
		w.add(c, i, w.dst)
	}
	if !resolving {
		return nil
	}
	if err := w.s.resolveRefs(ctx, w.pending); err != nil {
		return err
	}
	for _, p := range w.pending {
		w.add(c, p.i, p.vals)
	}
	return nil
}

// add encodes the transformed row dst of the chunk's row i.
func (w *worker) add(c *srcChunk, i int, dst []any) {
	sh := &w.s.sh
	w.src.beginRow()
	for j, v := range dst {
		if w.s.masked[j] {
			v = nil
		}
		w.src.column()
		w.src.buf = w.cd.appendSource(w.src.buf, j, v)
	}
	w.src.endRow(sh, i)
	if sh.rangeOn == nil {
		w.keepIdentity(dst)
	}
	if matched(w.s.view) {
		id, _ := w.row.Identity(c.vals[i])
		w.ids = append(w.ids, id)
	}
}

// keepIdentity keeps the row's identity and legacy key, by which its
// target row is selected when chunks are not key ranges.
func (w *worker) keepIdentity(dst []any) {
	for k, ci := range w.s.sh.ident {
		w.idents[k] = append(w.idents[k], dst[ci])
	}
	if w.s.sh.legacy >= 0 {
		w.legacies = append(w.legacies, dst[w.s.sh.legacy])
	}
}

// fetch reads the chunk's target rows: its key range, or the rows with the
// identities of its source rows.
func (w *worker) fetch(ctx context.Context, c *srcChunk) error {
	if c.keySet != nil {
		q, args := w.s.keysSQL(c)
		return w.s.fetch(ctx, w.cd, &w.tgt, q, args)
	}
	if w.s.sh.rangeOn != nil {
		q, args := w.s.rangeSQL(c)
		return w.s.fetch(ctx, w.cd, &w.tgt, q, args)
	}
	if w.src.len() == 0 {
		return nil
	}
	q, args := w.s.inSQL(w.s.sh.ident, w.idents)
	return w.s.fetch(ctx, w.cd, &w.tgt, q, args)
}

// same reports whether both sides of the chunk hold the same rows. With
// OnChunk set it compares (and reports) the SHA-256 digests of the sides;
// otherwise the canonical encodings themselves, which is the same test
// exactly and spares hashing both sides.
func (w *worker) same(c *srcChunk) bool {
	if w.s.v.o.OnChunk != nil {
		sd, td := w.digest(&w.src), w.digest(&w.tgt)
		w.report(c, sd, td)
		return sd == td
	}
	if w.src.len() != w.tgt.len() {
		return false
	}
	if w.s.sh.rangeOn != nil {
		return bytes.Equal(w.src.buf, w.tgt.buf)
	}
	a, b := w.sorted(&w.src), w.sorted(&w.tgt)
	for i := range a {
		if !bytes.Equal(w.src.row(a[i]), w.tgt.row(b[i])) {
			return false
		}
	}
	return true
}

// digest hashes a side's rows in key order. Rows selected by key range
// arrive in key order on both sides; rows selected by identity are sorted.
func (w *worker) digest(rs *rowSet) [32]byte {
	if w.s.sh.rangeOn != nil {
		return sha256.Sum256(rs.buf)
	}
	h := sha256.New()
	for _, i := range w.sorted(rs) {
		h.Write(rs.row(i))
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// sorted returns the positions of a side's rows in key order (and in row
// order among equal keys, which only duplicates have).
func (w *worker) sorted(rs *rowSet) []int {
	order := make([]int, rs.len())
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := bytes.Compare(rs.key(a), rs.key(b)); c != 0 {
			return c
		}
		return bytes.Compare(rs.row(a), rs.row(b))
	})
	return order
}

func (w *worker) report(c *srcChunk, sd, td [32]byte) {
	on := w.s.v.o.OnChunk
	if on == nil {
		return
	}
	d := ChunkDigest{Table: w.s.view.ID, Chunk: c.no, SourceRows: w.src.len(), TargetRows: w.tgt.len(), Source: sd, Target: td}
	if c.after != nil {
		d.After = sluice.KeyText(c.after)
	}
	if len(c.vals) > 0 {
		d.Last = sluice.KeyText(c.last)
	}
	on(d)
}

// checkRejects proves that every row the mapping rejects is recorded in
// sluice.rejects, as the load must have done.
func (w *worker) checkRejects(ctx context.Context) error {
	if len(w.rejects) == 0 {
		return nil
	}
	labels := make([]string, len(w.rejects))
	for i, r := range w.rejects {
		labels[i] = r.label
	}
	v := w.s.v
	found, err := v.load.recorded(ctx, v.state, v.t.ID, labels)
	if err != nil {
		return err
	}
	for _, r := range w.rejects {
		if !found[r.label] {
			v.add(Finding{Level: LevelContent, Check: "unrecorded reject", LegacyKey: r.label, Column: r.rej.Column,
				SourceValue: rawText(r.rej.Raw),
				Detail:      "the mapping rejects this row (" + r.rej.Reason + ") but sluice.rejects does not record it"})
		}
	}
	return nil
}

// rawText is a rejected source value's text.
func rawText(v any) string {
	if v == nil {
		return "NULL"
	}
	if s, ok := v.(string); ok {
		return s
	}
	return sluice.ValueText(v)
}
