package verify

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sluicedb/sluice/plan"
)

// rows runs levels 5 and 6, which share one pass over the source and target
// rows: the pass that compares every value (6) also matches every legacy key
// and UUID (5). With level 5 alone, only the key columns are read.
func (v *tableCheck) rows(ctx context.Context, out map[int]LevelResult) error {
	start := time.Now()
	full := shapeOf(v.t)
	if skip := v.rowsSkipped(full); skip != nil {
		v.settleRows(out, *skip, *skip, start)
		return nil
	}
	view := v.t
	if !v.o.wants(LevelContent) && !matched(v.t) && v.t.Expansion == nil {
		view = project(v.t, []int{full.rowUUID, full.legacy})
	}
	s, err := newScan(ctx, v, view)
	if err != nil {
		return fmt.Errorf("verify %s: %w", v.t.ID, err)
	}
	if s.sh.keyed() {
		err = s.keyed(ctx)
	} else {
		err = s.keyless(ctx)
	}
	if err != nil {
		return fmt.Errorf("verify %s rows: %w", v.t.ID, err)
	}
	v.settleRows(out, s.contentResult(), s.legacyResult(full), start)
	return nil
}

// rowsSkipped says why the rows cannot be compared, or returns nil.
func (v *tableCheck) rowsSkipped(full shape) *LevelResult {
	switch {
	case !v.cat.exists:
		return &LevelResult{Status: StatusSkipped, Detail: fmt.Sprintf("target table %s does not exist", v.cat.name)}
	case len(v.cat.missing(v.t)) > 0:
		return &LevelResult{Status: StatusSkipped, Detail: fmt.Sprintf("columns missing from the target (see level 4): %s",
			strings.Join(v.cat.missing(v.t), ", "))}
	case !v.o.wants(LevelContent) && !full.uuidKeys():
		return &LevelResult{Status: StatusNotApplicable, Detail: noLegacyDetail(v.t)}
	case (matched(v.t) || len(resolveColumns(v.t)) > 0) && !v.load.hasLegacyKeys:
		return &LevelResult{Status: StatusSkipped, Detail: "the target has no sluice.legacy_keys, which maps the rows matched on a natural key"}
	}
	return nil
}

// noLegacyDetail says why a table has no legacy keys to check.
func noLegacyDetail(t *plan.Table) string {
	if t.Expansion != nil {
		return "child rows have no legacy key; their identities are compared with their values (level 6)"
	}
	return "the table keeps its keys (no row UUID and legacy key)"
}

func (v *tableCheck) settleRows(out map[int]LevelResult, content, legacy LevelResult, start time.Time) {
	elapsed := time.Since(start)
	for level, res := range map[int]LevelResult{LevelContent: content, LevelLegacy: legacy} {
		if v.o.wants(level) {
			res.Elapsed = elapsed
			out[level] = v.settle(level, res)
		}
	}
}

// scan is the pass over one table's rows.
type scan struct {
	v         *tableCheck
	view      *plan.Table // the table, or the columns level 5 needs
	sh        shape
	oids      []uint32 // of the compared columns, as the target sends them
	list      string   // their select list
	chunkRows int
	chunks    atomic.Int64
	compared  atomic.Int64 // source rows matched against the target
	fetched   atomic.Int64 // target rows read
	rejected  atomic.Int64 // source rows the mapping rejects
	kept      atomic.Int64 // target rows whose source row is gone, which the strategy keeps
	unupdated atomic.Int64 // append: target rows that differ from their changed source row, which append never updates
	keysFound atomic.Int64 // matched parts: the sluice.legacy_keys rows of the source rows
	owned     atomic.Int64 // matched parts: source rows owning their entity's row
	keptKeys  atomic.Int64 // matched parts: sluice.legacy_keys rows whose source row is gone, kept
	// resolve lists the columns referencing a table merged on a natural
	// key, whose values the load resolved through sluice.legacy_keys.
	resolve []int
	// masked marks the columns not compared: the fill columns of a matched
	// part, which rows of other sources may have given the entity.
	masked []bool
	parent parentRef // expansions: the reference to the parent row
	// byKeys: only the rows of keyCount chosen keys were read (Options.Keys).
	byKeys   bool
	keyCount int
}

func newScan(ctx context.Context, v *tableCheck, view *plan.Table) (*scan, error) {
	s := &scan{v: v, view: view, sh: shapeOf(view), chunkRows: v.o.ChunkRows, resolve: resolveColumns(view),
		masked: make([]bool, len(view.Columns))}
	if s.chunkRows <= 0 {
		s.chunkRows = max(view.ChunkRows, 1)
	}
	for i, c := range view.Columns {
		s.masked[i] = matched(view) && c.Role == plan.RoleFill
	}
	if view.Expansion != nil {
		var err error
		if s.parent, err = newParentRef(view, v.p.Namespace); err != nil {
			return nil, err
		}
	}
	return s, s.describe(ctx)
}

// describe learns the type of each compared column as the target sends it.
// A type pgx cannot decode (an extension's, an enum) is read as text.
func (s *scan) describe(ctx context.Context) error {
	m := pgtype.NewMap()
	asText := make([]bool, len(s.view.Columns))
	for range 2 {
		s.list = s.selectList(asText)
		rows, err := s.v.db.Query(ctx, "SELECT "+s.list+" FROM "+s.v.cat.name+" LIMIT 0")
		if err != nil {
			return fmt.Errorf("describe %s: %w", s.v.cat.name, err)
		}
		s.oids = s.oids[:0]
		unknown := false
		for i, fd := range rows.FieldDescriptions() {
			s.oids = append(s.oids, fd.DataTypeOID)
			if spatialColumn(s.view.Columns[i]) {
				s.oids[i] = spatialOID // read as its EWKB, compared geometrically (see normalize.go)
				continue
			}
			if _, ok := m.TypeForOID(fd.DataTypeOID); !ok {
				asText[i], unknown = true, true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil || !unknown {
			return err
		}
	}
	return nil
}

func (s *scan) selectList(asText []bool) string {
	parts := make([]string, len(s.view.Columns))
	for i, c := range s.view.Columns {
		parts[i] = qualified("", c.Name)
		if s.masked[i] {
			parts[i] = "NULL AS " + parts[i]
		} else if spatialColumn(c) {
			parts[i] += "::bytea" // PostGIS's cast writes EWKB
		} else if asText[i] {
			parts[i] += "::text"
		}
	}
	return strings.Join(parts, ", ")
}

func (s *scan) contentResult() LevelResult {
	if !s.v.o.wants(LevelContent) {
		return LevelResult{}
	}
	detail := fmt.Sprintf("%d rows in %d chunks compared value by value; %d rejected by the mapping",
		s.compared.Load(), s.chunks.Load(), s.rejected.Load())
	if matched(s.v.t) {
		owned := s.owned.Load()
		detail = fmt.Sprintf("%d rows in %d chunks: %d owning their entity's row, compared value by value, %d matched into another's (present); %d rejected by the mapping",
			s.compared.Load(), s.chunks.Load(), owned, s.compared.Load()-owned, s.rejected.Load())
	}
	return LevelResult{Checked: s.compared.Load(), Detail: detail + s.keptDetail() + s.keySetDetail()}
}

// keptDetail names the rows whose source row is gone, which the strategy
// keeps: not findings, but worth a line.
func (s *scan) keptDetail() string {
	var d string
	if n := s.kept.Load(); n > 0 {
		d += "; " + keptText(n)
		s.v.kept = max(s.v.kept, n) // level 6 finds rows level 1 cannot count (children a row no longer makes)
	}
	if n := s.unupdated.Load(); n > 0 {
		d += fmt.Sprintf("; %d rows as first loaded, whose source row changed since (append does not update)", n)
	}
	return d
}

func keptText(n int64) string {
	if n == 1 {
		return "1 row kept whose source row is gone"
	}
	return fmt.Sprintf("%d rows kept whose source row is gone", n)
}

func (s *scan) legacyResult(full shape) LevelResult {
	if !full.uuidKeys() {
		return LevelResult{Status: StatusNotApplicable, Detail: noLegacyDetail(s.v.t)}
	}
	if matched(s.v.t) {
		detail := fmt.Sprintf("%d legacy keys mapped to their entities in sluice.legacy_keys", s.compared.Load())
		if n := s.keptKeys.Load(); n > 0 {
			detail += fmt.Sprintf("; %d kept whose source row is gone", n)
		}
		return LevelResult{Checked: s.compared.Load(), Detail: detail}
	}
	return LevelResult{Checked: s.compared.Load(), Detail: fmt.Sprintf("%d legacy keys and their UUIDs", s.compared.Load()) + s.keptDetail() + s.keySetDetail()}
}
