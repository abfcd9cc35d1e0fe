package sqlserver

import (
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// columnInfo is a column as reads need it: its SQL Server type, and how to
// select it so that the driver hands over an exact value.
type columnInfo struct {
	name     string
	typeName string // the system type: "nvarchar", "geometry", ...
	declared string // as CAST accepts it: "nvarchar(160)", "decimal(10,2)"
	kind     sluice.Kind
	charset  string // char, varchar, text: the collation's code page, as Column.Charset names it
	computed bool   // change data capture records no value for it
}

// mapType turns a column's system type and sizes into a Sluice type. max_length
// is in bytes (-1 for max); nchar and nvarchar hold two bytes a character.
func mapType(typeName, alias string, maxLength, precision, scale int) (sluice.Type, error) {
	t := sluice.Type{Raw: declaredType(typeName, maxLength, precision, scale)}
	if alias != "" {
		t.Raw = alias + " (" + t.Raw + ")"
	}
	switch typeName {
	case "bit":
		t.Kind = sluice.KindBool
	case "tinyint":
		t.Kind, t.Bits, t.Unsigned = sluice.KindInt, 8, true
	case "smallint", "int", "bigint":
		t.Kind, t.Bits = sluice.KindInt, map[string]int{"smallint": 16, "int": 32, "bigint": 64}[typeName]
	case "decimal", "numeric":
		t.Kind, t.Precision, t.Scale = sluice.KindDecimal, precision, scale
	case "money":
		t.Kind, t.Precision, t.Scale = sluice.KindDecimal, 19, 4
	case "smallmoney":
		t.Kind, t.Precision, t.Scale = sluice.KindDecimal, 10, 4
	case "float", "real":
		t.Kind, t.Bits = sluice.KindFloat, map[string]int{"float": 64, "real": 32}[typeName]
	default:
		return mapOtherType(t, typeName, maxLength, scale)
	}
	return t, nil
}

func mapOtherType(t sluice.Type, typeName string, maxLength, scale int) (sluice.Type, error) {
	switch typeName {
	case "char", "varchar", "nchar", "nvarchar":
		t.Kind, t.Length, t.Fixed = sluice.KindString, maxLength, strings.HasSuffix(typeName, "char") && !strings.Contains(typeName, "var")
		if typeName[0] == 'n' && maxLength > 0 {
			t.Length = maxLength / 2
		}
		if maxLength < 0 {
			t.Kind, t.Length = sluice.KindText, 0
		}
	case "text", "ntext", "xml", "hierarchyid", "geometry", "geography", "sql_variant":
		t.Kind = sluice.KindText
	case "binary", "varbinary", "timestamp":
		t.Kind, t.Length, t.Fixed = sluice.KindBytes, max(maxLength, 0), typeName != "varbinary"
	case "image":
		t.Kind = sluice.KindBytes
	case "date":
		t.Kind = sluice.KindDate
	case "time":
		t.Kind, t.Precision = sluice.KindTime, min(scale, 6)
	case "datetime":
		t.Kind, t.Precision = sluice.KindTimestamp, 3
	case "smalldatetime":
		t.Kind = sluice.KindTimestamp
	case "datetime2":
		t.Kind, t.Precision = sluice.KindTimestamp, min(scale, 6)
	case "datetimeoffset":
		t.Kind, t.Precision = sluice.KindTimestampTZ, min(scale, 6)
	case "uniqueidentifier":
		t.Kind = sluice.KindUUID
	default:
		return t, fmt.Errorf("type %s is not supported", typeName)
	}
	return t, nil
}

// declaredType writes a type as T-SQL declares it.
func declaredType(typeName string, maxLength, precision, scale int) string {
	switch typeName {
	case "char", "varchar", "binary", "varbinary":
		if maxLength < 0 {
			return typeName + "(max)"
		}
		return fmt.Sprintf("%s(%d)", typeName, maxLength)
	case "nchar", "nvarchar":
		if maxLength < 0 {
			return typeName + "(max)"
		}
		return fmt.Sprintf("%s(%d)", typeName, maxLength/2)
	case "decimal", "numeric":
		return fmt.Sprintf("%s(%d,%d)", typeName, precision, scale)
	case "time", "datetime2", "datetimeoffset":
		return fmt.Sprintf("%s(%d)", typeName, scale)
	}
	return typeName
}

// selectExpr is how a column is selected so that the driver returns an
// exact value: code-page text as its bytes (decoded here, never by the
// driver, which would turn an unmappable byte into '?'), CLR types as
// text, legacy LOB types as their (max) successors.
func (c columnInfo) selectExpr() string {
	q := quoteIdent(c.name)
	switch c.typeName {
	case "char", "varchar", "text", "image":
		return "CAST(" + q + " AS varbinary(max))"
	case "ntext", "xml":
		return "CAST(" + q + " AS nvarchar(max))"
	case "hierarchyid":
		return q + ".ToString()"
	case "geometry", "geography":
		return "'SRID=' + CAST(" + q + ".STSrid AS varchar(11)) + ';' + " + q + ".STAsText()"
	case "sql_variant":
		return "CAST(" + q + " AS nvarchar(4000))"
	}
	return q
}

// quoteIdent quotes a name in brackets, doubling any ] inside it.
func quoteIdent(name string) string {
	return "[" + strings.ReplaceAll(name, "]", "]]") + "]"
}
