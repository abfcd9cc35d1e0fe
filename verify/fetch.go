package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// rangeSQL selects the target rows of a chunk's key range, in key order:
// after its lower bound unless it is the first chunk, up to its last key
// unless it is the final one. The source sorts integers as PostgreSQL does,
// so the rows come in the same order on both sides.
func (s *scan) rangeSQL(c *srcChunk) (string, []any) {
	cols := make([]string, len(s.sh.rangeOn))
	for i, ci := range s.sh.rangeOn {
		cols[i] = s.view.Columns[ci].Name
	}
	tuple := "(" + columnList("", cols) + ")"
	var conds []string
	var args []any
	if c.after != nil {
		conds = append(conds, tuple+" > "+params(len(args), len(c.after)))
		args = append(args, c.after...)
	}
	if !c.final {
		conds = append(conds, tuple+" <= "+params(len(args), len(c.last)))
		args = append(args, c.last...)
	}
	q := "SELECT " + s.list + " FROM " + s.v.cat.name + s.v.where("", conds...)
	return q + " ORDER BY " + columnList("", cols), args
}

// params writes ($n+1, ..., $n+k).
func params(n, k int) string {
	ps := make([]string, k)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", n+i+1)
	}
	return "(" + strings.Join(ps, ", ") + ")"
}

// inSQL selects the target rows whose columns idx hold one of the value
// tuples given column by column in vals.
func (s *scan) inSQL(idx []int, vals [][]any) (string, []any) {
	args := make([]any, len(idx))
	arrays := make([]string, len(idx))
	names := make([]string, len(idx))
	for k, ci := range idx {
		name := s.view.Columns[ci].Name
		names[k] = name
		arrays[k] = fmt.Sprintf("$%d::%s[]", k+1, s.v.cat.column(name).Type)
		args[k] = vals[k]
	}
	q := "SELECT " + s.list + " FROM " + s.v.cat.name
	if len(idx) == 1 {
		return q + s.v.where("", qualified("", names[0])+" = ANY("+arrays[0]+")"), args
	}
	return q + s.v.where("", "("+columnList("", names)+") IN (SELECT * FROM unnest("+strings.Join(arrays, ", ")+"))"), args
}

// fetch runs a select of target rows and appends them to rs, encoded.
func (s *scan) fetch(ctx context.Context, cd *codec, rs *rowSet, q string, args []any) error {
	return s.fetchEach(ctx, cd, rs, q, nil, args...)
}

// fetchEach is fetch that, given flush, calls it whenever rs holds a chunk
// of rows (chunk_rows, or chunk_bytes of encoded values) and once at the
// end, so that a whole table streams through rs in bounded memory.
func (s *scan) fetchEach(ctx context.Context, cd *codec, rs *rowSet, q string, flush func(), args ...any) error {
	rows, err := s.v.db.Query(ctx, q, append([]any{pgx.QueryResultFormats{pgx.BinaryFormatCode}}, args...)...)
	if err != nil {
		return fmt.Errorf("read target rows of %s: %w", s.v.cat.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		rs.beginRow()
		for i, raw := range rows.RawValues() {
			rs.column()
			rs.buf = cd.appendTarget(rs.buf, i, raw)
		}
		rs.endRow(&s.sh, -1)
		if flush != nil && (rs.len() >= s.chunkRows || s.view.ChunkBytes > 0 && int64(len(rs.buf)) >= s.view.ChunkBytes) {
			flush()
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read target rows of %s: %w", s.v.cat.name, err)
	}
	if flush != nil {
		flush()
	}
	return nil
}
