package postgres

import (
	"fmt"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

// tupleKind says how a tuple was sent, which decides what a NULL in it is.
type tupleKind uint8

const (
	tupleNew tupleKind = iota // a new row, or a full old row ('O')
	tupleKey                  // an old row's replica identity ('K'): other columns are not sent
)

// decodeTuple lays a tuple out as a row of the table: every column the
// source did not send is sluice.Unchanged{}, and each value has the Go type
// a Read yields for its Kind (text-format values decoded by pgx's codecs,
// or kept as text for the kinds Read casts to text).
func (l *layouts) decodeTuple(r *relation, tup *pglogrepl.TupleData, kind tupleKind) ([]any, error) {
	if tup == nil {
		return nil, nil
	}
	if len(tup.Columns) != len(r.cols) {
		return nil, fmt.Errorf("a row of %s has %d columns, its relation %d", r.name, len(tup.Columns), len(r.cols))
	}
	row := make([]any, r.width)
	for i := range row {
		row[i] = sluice.Unchanged{}
	}
	for i, col := range tup.Columns {
		if r.layout[i] < 0 {
			continue
		}
		v, err := l.decodeColumn(r, i, col, kind)
		if err != nil {
			return nil, fmt.Errorf("decode %s.%s: %w", r.name, r.cols[i].Name, err)
		}
		row[r.layout[i]] = v
	}
	return row, nil
}

func (l *layouts) decodeColumn(r *relation, i int, col *pglogrepl.TupleDataColumn, kind tupleKind) (any, error) {
	switch col.DataType {
	case pglogrepl.TupleDataTypeNull:
		if kind == tupleKey && r.cols[i].Flags&1 == 0 {
			return sluice.Unchanged{}, nil // not part of the key: not sent
		}
		return nil, nil
	case pglogrepl.TupleDataTypeToast:
		return sluice.Unchanged{}, nil
	case pglogrepl.TupleDataTypeText:
		return l.decodeText(r.types[i], r.cols[i].DataType, col.Data)
	}
	return nil, fmt.Errorf("tuple data of type %q, want text", col.DataType)
}

// decodeText gives the value Read would: the text itself for the kinds Read
// casts to text, else what pgx decodes from the text form, normalised.
func (l *layouts) decodeText(t sluice.Type, oid uint32, data []byte) (any, error) {
	if textual(t.Kind) && l.src.enc != nil {
		return decode(l.src.enc, string(data)), nil // a SQL_ASCII database's declared encoding
	}
	if readsAsText(t) {
		return string(data), nil
	}
	typ, ok := l.typeMap.TypeForOID(oid)
	if !ok {
		return string(data), nil
	}
	v, err := typ.Codec.DecodeValue(l.typeMap, oid, pgtype.TextFormatCode, data)
	if err != nil {
		return nil, err
	}
	return normalize(v), nil
}
