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
	if !v.o.wants(LevelContent) {
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
		return &LevelResult{Status: StatusNotApplicable, Detail: "the table keeps its keys (no row UUID and legacy key)"}
	}
	return nil
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
}

func newScan(ctx context.Context, v *tableCheck, view *plan.Table) (*scan, error) {
	s := &scan{v: v, view: view, sh: shapeOf(view), chunkRows: v.o.ChunkRows}
	if s.chunkRows <= 0 {
		s.chunkRows = max(view.ChunkRows, 1)
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
		if asText[i] {
			parts[i] += "::text"
		}
	}
	return strings.Join(parts, ", ")
}

func (s *scan) contentResult() LevelResult {
	if !s.v.o.wants(LevelContent) {
		return LevelResult{}
	}
	return LevelResult{Checked: s.compared.Load(), Detail: fmt.Sprintf("%d rows in %d chunks compared value by value; %d rejected by the mapping",
		s.compared.Load(), s.chunks.Load(), s.rejected.Load())}
}

func (s *scan) legacyResult(full shape) LevelResult {
	if !full.uuidKeys() {
		return LevelResult{Status: StatusNotApplicable, Detail: "the table keeps its keys (no row UUID and legacy key)"}
	}
	return LevelResult{Checked: s.compared.Load(), Detail: fmt.Sprintf("%d legacy keys and their UUIDs", s.compared.Load())}
}
