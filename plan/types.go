package plan

import (
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// MapType returns the PostgreSQL type a source column type becomes, as
// docs/TYPES.md specifies, and whether the type was unknown (mapped to text,
// which the plan warns about). A PostgreSQL source keeps its own types;
// every other engine reports a Kind that decides the type.
func MapType(engine string, t sluice.Type) (pgType string, unknown bool) {
	if engine == "postgres" {
		return postgresType(t)
	}
	return kindType(t)
}

// kindType maps MySQL/MariaDB, SQLite and any other engine by Kind. SQLite
// sources already matched declared names to kinds by affinity, so the same
// table serves both; the only SQLite float is 64-bit and its integers carry
// their width.
func kindType(t sluice.Type) (string, bool) {
	switch t.Kind {
	case sluice.KindBool:
		return "boolean", false
	case sluice.KindInt:
		return intType(t), false
	case sluice.KindDecimal:
		return numericType(t.Precision, t.Scale), false
	case sluice.KindFloat:
		if t.Bits == 32 {
			return "real", false
		}
		return "double precision", false
	case sluice.KindString:
		if t.Length > 0 {
			return fmt.Sprintf("varchar(%d)", t.Length), false
		}
		return "text", false
	}
	return otherKindType(t)
}

func otherKindType(t sluice.Type) (string, bool) {
	switch t.Kind {
	case sluice.KindText, sluice.KindEnum:
		return "text", false
	case sluice.KindSet:
		return "text[]", false
	case sluice.KindBytes:
		return "bytea", false
	case sluice.KindDate:
		return "date", false
	case sluice.KindTime, sluice.KindTimestamp, sluice.KindTimestampTZ:
		return withPrecision(string(t.Kind), t.Precision), false
	case sluice.KindYear:
		return "smallint", false
	case sluice.KindJSON:
		return "jsonb", false
	case sluice.KindUUID:
		return "uuid", false
	case sluice.KindBit:
		return bitType(t.Bits), false
	case sluice.KindGeometry:
		return geometryType(t.Raw), false
	}
	return "text", true
}

// geometryShapes are MySQL's spatial types as PostGIS names their shapes.
var geometryShapes = map[string]string{
	"point": "Point", "linestring": "LineString", "polygon": "Polygon", "multipoint": "MultiPoint",
	"multilinestring": "MultiLineString", "multipolygon": "MultiPolygon",
	"geometrycollection": "GeometryCollection", "geomcollection": "GeometryCollection",
}

// geometryType is PostGIS's geometry, constrained to the column's shape
// when it has one (any SRID: MySQL columns hold values of several).
func geometryType(raw string) string {
	if shape, ok := geometryShapes[strings.ToLower(strings.TrimSpace(raw))]; ok {
		return "geometry(" + shape + ")"
	}
	return "geometry"
}

// intType widens unsigned integers so that every value fits. MySQL reports
// tinyint(1) as a flag; a source that leaves it KindInt still gets boolean.
func intType(t sluice.Type) string {
	if t.Bits == 8 && strings.HasPrefix(strings.ToLower(t.Raw), "tinyint(1)") {
		return "boolean"
	}
	size := t.Bits
	if t.Unsigned {
		size++ // a signed type needs one more bit for every unsigned value
	}
	switch {
	case t.Bits == 0 || size > 64:
		return unboundedInt(t)
	case size <= 16:
		return "smallint"
	case size <= 32:
		return "integer"
	}
	return "bigint"
}

// unboundedInt covers bigint unsigned (20 digits) and an integer of unknown
// width, which bigint holds for every engine Sluice reads.
func unboundedInt(t sluice.Type) string {
	if t.Bits == 64 && t.Unsigned {
		return "numeric(20,0)"
	}
	return "bigint"
}

func numericType(precision, scale int) string {
	if precision <= 0 {
		return "numeric"
	}
	return fmt.Sprintf("numeric(%d,%d)", precision, scale)
}

// withPrecision writes "timestamp(3)"; a precision of 0 keeps the plain type,
// which holds every whole-second value the source can have.
func withPrecision(name string, precision int) string {
	if precision <= 0 {
		return name
	}
	return fmt.Sprintf("%s(%d)", name, precision)
}

func bitType(bits int) string {
	if bits <= 1 {
		return "boolean"
	}
	return fmt.Sprintf("bit(%d)", bits)
}

// isDateKind reports whether zero_dates applies to a column's source values.
func isDateKind(c Column) bool {
	switch c.SourceType.Kind {
	case sluice.KindDate, sluice.KindTimestamp, sluice.KindTimestampTZ:
		return true
	}
	return false
}
