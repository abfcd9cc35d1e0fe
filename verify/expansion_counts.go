package verify

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sluicedb/sluice"

	"github.com/sluicedb/sluice/target"
)

// parentColumn is the temporary keys table's column of an expansion's
// source rows' parent references.
const parentColumn = "sluice_parent"

// expansionCounts is level 1 of an expansion table: each source row makes
// as many child rows as the mapping says (transform.Row.Expand, which
// rejects a row whose count, list or array cannot be read; a rejected row
// makes none), and the target must hold exactly that many children of its
// parent. The source is read chunk by chunk and each chunk's parents'
// children counted in the target, so that a difference names the source
// row: "clinics 7 should have 5 rows in rooms, the target holds 4". A
// source row sluice.rejects records may have lost rows to PostgreSQL, and
// is not held to its count.
func (v *tableCheck) expansionCounts(ctx context.Context) (LevelResult, error) {
	sc, err := v.sourceCounts(ctx)
	if err != nil {
		return LevelResult{}, err
	}
	v.checkState()
	s, err := newScan(ctx, v, v.t)
	if err != nil {
		return LevelResult{}, err
	}
	ec := &expansionCount{}
	if err := s.countChildren(ctx, ec); err != nil {
		return LevelResult{}, err
	}
	var total int64
	if err := v.db.QueryRow(ctx, "SELECT count(*) FROM "+v.cat.name+v.where("")).Scan(&total); err != nil {
		return LevelResult{}, fmt.Errorf("count target rows of %s: %w", v.cat.name, err)
	}
	v.checkOrphanChildren(total-ec.held, &ec.kept)
	detail := fmt.Sprintf("%d source rows (%d rejected, %d filtered) make %d rows; the target holds %d",
		sc.total, ec.rejected, sc.filtered(), ec.expected, total)
	v.kept = ec.kept
	if ec.kept > 0 {
		detail += "; " + keptText(ec.kept)
	}
	return LevelResult{Checked: sc.total, Detail: detail}, nil
}

// expansionCount accumulates level 1 of an expansion over the chunks.
type expansionCount struct {
	expected int64 // child rows the source rows make
	held     int64 // child rows the target holds of the source rows' parents
	rejected int64 // source rows the mapping rejects
	kept     int64 // children of rejected source rows that a merge keeps
}

// checkOrphanChildren accounts for the target rows whose parent is no
// source row: kept by a merge, else findings.
func (v *tableCheck) checkOrphanChildren(others int64, kept *int64) {
	switch {
	case others <= 0:
	case keeps(v.t):
		*kept += others
	default:
		v.add(Finding{Level: LevelCounts, Check: "counts", SourceValue: "0", TargetValue: strconv.FormatInt(others, 10),
			Detail: fmt.Sprintf("%s of %s belong to no source row", plural(int(others), "target row"), v.t.Name)})
	}
}

// countChildren reads the source in chunks and compares each source row's
// children with the target's.
func (s *scan) countChildren(ctx context.Context, ec *expansionCount) error {
	w, err := s.newWorker()
	if err != nil {
		return err
	}
	return s.eachChunk(ctx, func(c *srcChunk) error { return w.countChunk(ctx, c, ec) })
}

// countChunk compares one chunk's expected children with the target's.
func (w *worker) countChunk(ctx context.Context, c *srcChunk, ec *expansionCount) error {
	x := &expanded{parents: make([][16]byte, len(c.vals)), hasID: make([]bool, len(c.vals)),
		children: make([]int, len(c.vals)), rejected: make([]bool, len(c.vals))}
	var ids [][16]byte
	for i, vals := range c.vals {
		x.parents[i], x.hasID[i] = w.s.parent.of(vals)
		out, rej := w.row.Expand(vals, w.out[:0])
		w.out = out
		x.rejected[i], x.children[i] = rej != nil, len(out)
		if rej != nil {
			ec.rejected++
		}
		ec.expected += int64(len(out))
	}
	if err := w.s.resolveParents(ctx, x.parents, x.hasID); err != nil {
		return err
	}
	for i, p := range x.parents {
		if x.hasID[i] {
			ids = append(ids, p)
		}
	}
	held, err := w.s.childCounts(ctx, ids)
	if err != nil {
		return err
	}
	return w.compareCounts(ctx, c, x, held, ec)
}

// childCounts counts the target's children of each parent.
func (s *scan) childCounts(ctx context.Context, ids [][16]byte) (map[[16]byte]int, error) {
	out := map[[16]byte]int{}
	if len(ids) == 0 {
		return out, nil
	}
	parent := qualified("", s.view.Columns[s.parent.col].Name)
	rows, err := s.v.db.Query(ctx, "SELECT "+parent+", count(*) FROM "+s.v.cat.name+
		s.v.where("", parent+" = ANY($1::uuid[])")+" GROUP BY "+parent, ids)
	if err != nil {
		return nil, fmt.Errorf("count the rows of %s by parent: %w", s.v.cat.name, err)
	}
	var id [16]byte
	var n int
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error { out[id] = n; return nil })
	if err != nil {
		return nil, fmt.Errorf("count the rows of %s by parent: %w", s.v.cat.name, err)
	}
	return out, nil
}

// compareCounts reports each source row whose children the target holds a
// different number of, unless sluice.rejects records the row. Where the
// strategy keeps rows whose source row is gone, children beyond the ones
// the row makes now (its count went down, or the mapping rejects it now)
// are kept, not findings.
func (w *worker) compareCounts(ctx context.Context, c *srcChunk, x *expanded, held map[[16]byte]int, ec *expansionCount) error {
	var odd []int
	var labels []string
	for i := range c.vals {
		m := held[x.parents[i]]
		ec.held += int64(m)
		switch {
		case !x.hasID[i] || m == x.children[i]:
		case m > x.children[i] && keeps(w.s.v.t):
			ec.kept += int64(m - x.children[i]) // rows the source row no longer makes
		default:
			odd = append(odd, i)
			labels = append(labels, c.label(i))
		}
	}
	v := w.s.v
	recorded, err := v.load.recorded(ctx, v.state, v.t.ID, labels)
	if err != nil {
		return err
	}
	for k, i := range odd {
		if !recorded[labels[k]] {
			w.countFinding(labels[k], x, i, held[x.parents[i]])
		}
	}
	return nil
}

// countFinding names a source row whose children do not add up.
func (w *worker) countFinding(label string, x *expanded, i, held int) {
	v := w.s.v
	parent := v.t.SourceTable
	if pt := v.p.Table(v.t.Expansion.Parent); pt != nil {
		parent = pt.Name
	}
	v.add(Finding{Level: LevelCounts, Check: "children", LegacyKey: label, Key: uuidText(x.parents[i]),
		SourceValue: strconv.Itoa(x.children[i]), TargetValue: strconv.Itoa(held),
		Detail: fmt.Sprintf("%s %s should have %s in %s, the target holds %d", parent, label, plural(x.children[i], "row"), v.t.Name, held)})
}

func uuidText(u [16]byte) string { return uuid.UUID(u).String() }

// finishExpansion reports, once every chunk is compared, the target rows
// whose parent is no source row (a merge keeps them).
func (s *scan) finishExpansion(ctx context.Context) error {
	var total int64
	if err := s.v.db.QueryRow(ctx, "SELECT count(*) FROM "+s.v.cat.name+s.v.where("")).Scan(&total); err != nil {
		return fmt.Errorf("count target rows of %s: %w", s.v.cat.name, err)
	}
	if total <= s.fetched.Load() {
		return nil
	}
	return s.withParentKeys(ctx, func(conn *pgxpool.Conn) error {
		parent := s.names([]int{s.parent.col})
		gone := s.v.where("t", fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %s k WHERE k.%s = %s)", keysTable, parentColumn, qualified("t", parent[0])))
		if keeps(s.v.t) {
			n, err := countOn(ctx, conn, "SELECT count(*) FROM "+s.v.cat.name+" t"+gone)
			s.kept.Add(n)
			return err
		}
		q := fmt.Sprintf("SELECT %s, %s FROM %s t%s", s.identSQL("t"), textOf("t", parent), s.v.cat.name, gone)
		return s.v.sampleOn(ctx, conn, LevelContent, q, func(vals []string) {
			s.v.add(Finding{Level: LevelContent, Check: "extra row", Key: vals[0], Column: parent[0], TargetValue: vals[1],
				Detail: "no source row is the parent of this row"})
		})
	})
}

// withParentKeys runs fn on a connection holding the temporary table of the
// source rows' parent references, resolved as the load resolves them.
func (s *scan) withParentKeys(ctx context.Context, fn func(conn *pgxpool.Conn) error) error {
	conn, err := s.v.db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("read the parents of %s: %w", s.view.ID, err)
	}
	defer conn.Release()
	if err := s.copyParents(ctx, conn); err != nil {
		return fmt.Errorf("read the parents of %s: %w", s.view.ID, err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+keysTable)
	return fn(conn)
}

func (s *scan) copyParents(ctx context.Context, conn *pgxpool.Conn) error {
	_, err := conn.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %s; CREATE TEMPORARY TABLE %s (%s uuid)", keysTable, keysTable, parentColumn))
	if err != nil {
		return err
	}
	it, err := s.v.src.Read(ctx, sluice.ReadRequest{Table: s.view.SourceTable, Columns: s.view.ReadColumns, Where: s.view.Where})
	if err != nil {
		return err
	}
	defer it.Close()
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{keysTable}, []string{parentColumn}, &parentRows{it: it, p: s.parent}); err != nil {
		return err
	}
	if slices.Contains(s.resolve, s.parent.col) {
		if err := target.ResolveMatched(ctx, conn, keysTable, parentColumn); err != nil {
			return err
		}
	}
	_, err = conn.Exec(ctx, fmt.Sprintf("CREATE INDEX ON %s (%s); ANALYZE %s", keysTable, parentColumn, keysTable))
	return err
}

// parentRows streams the parent references of a source read.
type parentRows struct {
	it  sluice.RowIter
	p   parentRef
	out [1]any
}

func (r *parentRows) Next() bool {
	for r.it.Next() {
		if u, ok := r.p.of(r.it.Values()); ok {
			r.out[0] = u
			return true
		}
	}
	return false
}

func (r *parentRows) Values() ([]any, error) { return r.out[:], nil }

func (r *parentRows) Err() error { return r.it.Err() }
