package mysql

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// columnInfo is what information_schema.COLUMNS says of a column's type.
type columnInfo struct {
	DataType          string // DATA_TYPE, e.g. "int"
	ColumnType        string // COLUMN_TYPE, e.g. "int(10) unsigned"
	CharMaxLength     sql.NullInt64
	NumericPrecision  sql.NullInt64
	NumericScale      sql.NullInt64
	DatetimePrecision sql.NullInt64
}

var intBits = map[string]int{"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "integer": 32, "bigint": 64}

var simpleKinds = map[string]sluice.Kind{
	"tinytext": sluice.KindText, "text": sluice.KindText, "mediumtext": sluice.KindText, "longtext": sluice.KindText,
	"tinyblob": sluice.KindBytes, "blob": sluice.KindBytes, "mediumblob": sluice.KindBytes, "longblob": sluice.KindBytes,
	"date": sluice.KindDate, "year": sluice.KindYear, "json": sluice.KindJSON, "uuid": sluice.KindUUID,
	// The spatial types; Raw keeps the shape ("point", "polygon", ...).
	"geometry": sluice.KindGeometry, "point": sluice.KindGeometry, "linestring": sluice.KindGeometry,
	"polygon": sluice.KindGeometry, "multipoint": sluice.KindGeometry, "multilinestring": sluice.KindGeometry,
	"multipolygon": sluice.KindGeometry, "geometrycollection": sluice.KindGeometry, "geomcollection": sluice.KindGeometry,
}

// mapType normalises a MySQL column type into a sluice.Type (docs/TYPES.md).
func mapType(c columnInfo) (sluice.Type, error) {
	dt := strings.ToLower(c.DataType)
	t := sluice.Type{Raw: c.ColumnType, Kind: sluice.KindOther}
	if bits, ok := intBits[dt]; ok {
		return intType(t, bits), nil
	}
	if kind, ok := simpleKinds[dt]; ok {
		t.Kind = kind
		return t, nil
	}
	switch dt {
	case "decimal", "numeric":
		t.Kind, t.Unsigned = sluice.KindDecimal, isUnsigned(c.ColumnType)
		t.Precision, t.Scale = int(c.NumericPrecision.Int64), int(c.NumericScale.Int64)
	case "float", "double", "real":
		t.Kind, t.Unsigned, t.Bits = sluice.KindFloat, isUnsigned(c.ColumnType), 64
		if dt == "float" {
			t.Bits = 32
		}
	case "char", "varchar", "binary", "varbinary":
		t = sizedType(t, dt, c.CharMaxLength.Int64)
	case "datetime", "timestamp", "time":
		t = timeType(t, dt, c.DatetimePrecision.Int64)
	case "enum", "set":
		return valuesType(t, dt)
	case "bit":
		t.Kind, t.Bits = sluice.KindBit, int(c.NumericPrecision.Int64)
	}
	return t, nil
}

func isUnsigned(columnType string) bool {
	return strings.Contains(strings.ToLower(columnType), " unsigned")
}

// intType: tinyint(1), which bool and boolean are aliases of, is a flag.
func intType(t sluice.Type, bits int) sluice.Type {
	raw := strings.ToLower(t.Raw)
	if bits == 8 && strings.HasPrefix(raw, "tinyint(1)") {
		t.Kind = sluice.KindBool
		return t
	}
	t.Kind, t.Bits, t.Unsigned = sluice.KindInt, bits, isUnsigned(raw)
	return t
}

func sizedType(t sluice.Type, dt string, length int64) sluice.Type {
	t.Kind = sluice.KindString
	if dt == "binary" || dt == "varbinary" {
		t.Kind = sluice.KindBytes
	}
	t.Length = int(length)
	t.Fixed = dt == "char" || dt == "binary"
	return t
}

func timeType(t sluice.Type, dt string, precision int64) sluice.Type {
	switch dt {
	case "datetime":
		t.Kind = sluice.KindTimestamp
	case "timestamp":
		t.Kind = sluice.KindTimestampTZ
	default:
		t.Kind = sluice.KindTime
	}
	t.Precision = int(precision)
	return t
}

func valuesType(t sluice.Type, dt string) (sluice.Type, error) {
	t.Kind = sluice.KindEnum
	if dt == "set" {
		t.Kind = sluice.KindSet
	}
	values, err := parseValues(t.Raw)
	if err != nil {
		return t, fmt.Errorf("parse members of %s: %w", t.Raw, err)
	}
	t.Values = values
	return t, nil
}

// parseValues reads the members of an enum or set column type, as
// information_schema writes them: single-quoted, a quote inside doubled, a
// backslash escaping the next character.
func parseValues(columnType string) ([]string, error) {
	open, end := strings.IndexByte(columnType, '('), strings.LastIndexByte(columnType, ')')
	if open < 0 || end < open {
		return nil, fmt.Errorf("no member list")
	}
	list := columnType[open+1 : end]
	var values []string
	for pos := 0; pos < len(list); {
		value, next, err := parseQuoted(list, pos)
		if err != nil {
			return nil, err
		}
		values = append(values, value)
		if next < len(list) && list[next] != ',' {
			return nil, fmt.Errorf("expected ',' at offset %d", next)
		}
		pos = next + 1
	}
	return values, nil
}

// parseQuoted reads the quoted string starting at s[pos] and returns its
// value and the offset just after its closing quote.
func parseQuoted(s string, pos int) (string, int, error) {
	if s[pos] != '\'' {
		return "", 0, fmt.Errorf("expected a quote at offset %d", pos)
	}
	var b strings.Builder
	for i := pos + 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			b.WriteByte(unescape(s[i]))
		case s[i] == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
			b.WriteByte('\'')
		case s[i] == '\'':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("unterminated quote at offset %d", pos)
}

// unescape maps the character after a backslash to the one it stands for.
func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case '0':
		return 0
	case 'Z':
		return 0x1a
	}
	return c
}
