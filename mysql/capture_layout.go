package mysql

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// tableLayout is how the stream decodes one captured table's rows: its
// columns as introspected, and whether its TABLE_MAP was checked against
// them.
type tableLayout struct {
	columns []sluice.Column // nil: its rows cannot be decoded (dropped, or changed since)
	checked string          // the TABLE_MAP types last found to match, as text
}

// columnsNow introspects one table's columns as Introspect does (MariaDB's
// JSON included); nil when the table does not exist.
func (s *Source) columnsNow(ctx context.Context, table string) ([]sluice.Column, error) {
	cols, err := s.queryColumns(ctx, table)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, classify(err))
	}
	json, err := s.queryJSONChecks(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the JSON checks of %s: %w", table, classify(err))
	}
	sets, err := s.queryCharsets(ctx, table)
	if err != nil {
		return nil, fmt.Errorf("read the character sets of %s: %w", table, classify(err))
	}
	out := cols[table]
	for i := range out {
		if json[table][out[i].Name] && out[i].Type.Kind == sluice.KindText {
			out[i].Type.Kind = sluice.KindJSON
		}
		out[i].Charset = sets[table][out[i].Name].Name
	}
	return out, nil
}

// mapMatches reports whether a TABLE_MAP's column types fit the columns:
// the same count, and each binlog type one that the column's type is
// written as.
func mapMatches(m *tableMap, cols []sluice.Column) error {
	if len(m.Types) != len(cols) {
		return fmt.Errorf("the binlog's rows of %s have %d columns, the table %d", m.Name, len(m.Types), len(cols))
	}
	for i, c := range cols {
		if !typeFits(m.Types[i], m.Meta[i], c.Type) {
			return fmt.Errorf("column %s of %s is %s, but the binlog writes it as type %d", c.Name, m.Name, c.Type.Raw, m.Types[i])
		}
	}
	return nil
}

// typeFits: is a value of binlog type typ (with meta) one of type t?
func typeFits(typ byte, meta uint16, t sluice.Type) bool {
	switch t.Kind {
	case sluice.KindBool, sluice.KindInt:
		return typ == map[int]byte{8: tTiny, 16: tShort, 24: tInt24, 32: tLong, 64: tLongLong}[max(t.Bits, 8)]
	case sluice.KindDecimal:
		return typ == tNewDecimal && int(meta>>8) == t.Precision && int(meta&0xff) == t.Scale
	case sluice.KindFloat:
		return (typ == tFloat && t.Bits == 32) || (typ == tDouble && t.Bits == 64)
	case sluice.KindString:
		return typ == tVarchar || typ == tVarString || (typ == tString && !isEnumOrSet(meta))
	case sluice.KindText, sluice.KindJSON:
		return isBlob(typ)
	case sluice.KindBytes:
		return typ == tVarchar || typ == tVarString || (typ == tString && !isEnumOrSet(meta)) || isBlob(typ)
	case sluice.KindDate:
		return typ == tDate || typ == tNewDate
	case sluice.KindTimestamp:
		return typ == tDateTime2 || typ == tDateTime
	case sluice.KindTimestampTZ:
		return typ == tTimestamp2 || typ == tTimestamp
	case sluice.KindTime:
		return typ == tTime2 || typ == tTime
	case sluice.KindYear:
		return typ == tYear
	case sluice.KindEnum:
		return typ == tString && byte(meta>>8) == tEnum
	case sluice.KindSet:
		return typ == tString && byte(meta>>8) == tSet
	case sluice.KindBit:
		return typ == tBit && int(meta>>8)*8+int(meta&0xff) == t.Bits
	case sluice.KindGeometry:
		return typ == tGeometry
	case sluice.KindOther:
		return true // read as bytes, whatever they are
	}
	return false // KindUUID and others a binlog row cannot be decoded into yet
}

func isEnumOrSet(meta uint16) bool {
	real := byte(meta >> 8)
	return real == tEnum || real == tSet
}

func isBlob(typ byte) bool {
	return typ == tBlob || typ == tTinyBlob || typ == tMediumBlob || typ == tLongBlob
}

func typesText(m *tableMap) string {
	parts := make([]string, len(m.Types))
	for i, t := range m.Types {
		parts[i] = fmt.Sprintf("%d/%d", t, m.Meta[i])
	}
	return strings.Join(parts, ",")
}

// decodeImage lays a row image out as a row of the table: a column the
// image does not hold (binlog_row_image other than FULL) is Unchanged. The
// text of a column in a character set other than UTF-8 goes through conv.
func decodeImage(img *rowImage, m *tableMap, cols []sluice.Column, conv func(charset, raw string) (any, error)) ([]any, error) {
	if img == nil {
		return nil, nil
	}
	row := make([]any, len(cols))
	pos := 0
	for i := range cols {
		switch {
		case !img.Present[i]:
			row[i] = sluice.Unchanged{}
		case img.Null[i]:
			row[i] = nil
		default:
			v, n, err := decodeCell(img.Data[pos:], m.Types[i], m.Meta[i], cols[i].Type)
			if s, ok := v.(string); ok && err == nil && cols[i].Charset != "" && storedText(cols[i].Type.Kind) {
				v, err = conv(cols[i].Charset, s)
			}
			if err != nil {
				return nil, fmt.Errorf("decode %s.%s: %w", m.Name, cols[i].Name, err)
			}
			row[i], pos = v, pos+n
		}
	}
	if pos != len(img.Data) {
		return nil, fmt.Errorf("decode a row of %s: %d bytes left over", m.Name, len(img.Data)-pos)
	}
	return row, nil
}

// storedText: the kinds whose binlog value is the stored bytes of text (an
// ENUM's or SET's members come from the column's definition, in UTF-8).
func storedText(k sluice.Kind) bool {
	return k == sluice.KindString || k == sluice.KindText || k == sluice.KindJSON
}
