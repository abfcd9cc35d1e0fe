package postgres

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
	"github.com/sluicedb/sluice/spatial"
)

// Count returns the number of rows of table that match where ("" for all).
func (s *Source) Count(ctx context.Context, table, where string) (int64, error) {
	_, partitioned, err := s.columnTypes(ctx, table)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := s.pool.QueryRow(ctx, CountSQL(s.schema, table, where, partitioned)).Scan(&n); err != nil {
		return 0, classify(fmt.Errorf("count %s.%s.%s: %w", s.name, s.schema, table, err))
	}
	return n, nil
}

// Read streams the rows req selects, in key order (unordered when Key is nil).
func (s *Source) Read(ctx context.Context, req sluice.ReadRequest) (sluice.RowIter, error) {
	what := fmt.Sprintf("%s.%s.%s", s.name, s.schema, req.Table)
	if len(req.After) > 0 && len(req.After) != len(req.Key) {
		return nil, fmt.Errorf("read %s: %d key values after, for a key of %d columns", what, len(req.After), len(req.Key))
	}
	types, partitioned, err := s.columnTypes(ctx, req.Table)
	if err != nil {
		return nil, err
	}
	decs := s.decoders(append(append([]string{}, req.Columns...), req.Key...), types)
	label := req.After
	if req.After, err = encodeBounds(req.After, decs[len(req.Columns):]); err != nil {
		return nil, fmt.Errorf("read %s after key %v: %w", what, label, err)
	}
	q, args := ReadSQL(s.schema, req, types, partitioned)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, classify(fmt.Errorf("read %s after key %v: %w", what, label, err))
	}
	return &rowIter{rows: rows, ncols: len(req.Columns), what: what, decs: decs, geo: geometryColumns(req, types)}, nil
}

type rowIter struct {
	rows      pgx.Rows
	ncols     int
	what      string
	decs      []*charset.Encoding // per selected column: the declared encoding its text converts from, or nil
	vals, key []any
	err       error
	geo       []bool // the columns (values, then key) that are PostGIS values read as text
}

func (it *rowIter) Next() bool {
	if it.err != nil || !it.rows.Next() {
		return false
	}
	all, err := it.rows.Values()
	if err != nil {
		it.err = classify(fmt.Errorf("decode a row of %s: %w", it.what, err))
		return false
	}
	for i, v := range all {
		all[i] = decode(it.decs[i], normalize(v))
		if it.geo[i] {
			all[i] = geometry(all[i])
		}
	}
	it.vals, it.key = all[:it.ncols:it.ncols], all[it.ncols:]
	return true
}

// normalize brings pgx's Go values to the contract's: every integer an
// int64, every float a float64, times in UTC, infinite dates as their text,
// and never a nil []byte for an empty bytea.
func normalize(v any) any {
	switch x := v.(type) {
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	case time.Time:
		return x.UTC()
	case pgtype.InfinityModifier:
		return x.String()
	case []byte:
		if x == nil {
			return []byte{}
		}
	}
	return v
}

func (it *rowIter) Values() []any { return it.vals }
func (it *rowIter) Key() []any    { return it.key }

func (it *rowIter) Err() error {
	if it.err != nil {
		return it.err
	}
	if err := it.rows.Err(); err != nil {
		return classify(fmt.Errorf("read %s: %w", it.what, err))
	}
	return nil
}

func (it *rowIter) Close() error {
	it.rows.Close()
	return nil
}

// geometryColumns flags the selected columns of a spatial type, in the
// order the query selects them.
func geometryColumns(req sluice.ReadRequest, types map[string]sluice.Type) []bool {
	names := append(append([]string{}, req.Columns...), req.Key...)
	geo := make([]bool, len(names))
	for i, n := range names {
		geo[i] = types[n].Kind == sluice.KindGeometry
	}
	return geo
}

// geometry turns PostGIS's text form of a geometry or geography (its EWKB
// in hex) into a sluice.Geometry, the SRID apart from the WKB. A value
// that does not decode is passed on as its bytes, for the cast to reject
// with the reason.
func geometry(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return sluice.Geometry{WKB: []byte(s)}
	}
	g, err := spatial.DecodeWKB(b)
	if err != nil {
		return sluice.Geometry{WKB: b}
	}
	srid := g.SRID
	g.SRID = 0
	return sluice.Geometry{SRID: srid, WKB: g.EWKB()}
}
