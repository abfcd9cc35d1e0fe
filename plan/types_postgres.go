package plan

import (
	"strings"

	"github.com/sluicedb/sluice"
)

// postgresType keeps a PostgreSQL source's own type (format_type), with
// serial types written as the integers they are (the column becomes an
// identity). An enum becomes text, like a MySQL ENUM. Other types that are
// not built in (domains, composites) cannot be created on the target
// without their definitions, so they become text.
func postgresType(t sluice.Type) (string, bool) {
	raw := strings.TrimSpace(t.Raw)
	if raw == "" {
		return kindType(t)
	}
	if t.Kind == sluice.KindEnum {
		return "text", false // its members are checked (see enums.go)
	}
	if t.Kind == sluice.KindGeometry {
		return raw, false // PostGIS's geometry or geography, as declared
	}
	if serial, ok := serials[strings.ToLower(raw)]; ok {
		return serial, false
	}
	if !builtinPostgres(raw) {
		return "text", true
	}
	return raw, false
}

var serials = map[string]string{
	"smallserial": "smallint", "serial2": "smallint",
	"serial": "integer", "serial4": "integer",
	"bigserial": "bigint", "serial8": "bigint",
}

// builtinPostgres reports whether raw names a built-in type, or an array of
// one, ignoring its modifiers: "character varying(20)[]" is built in.
func builtinPostgres(raw string) bool {
	base := strings.ToLower(raw)
	for strings.HasSuffix(base, "[]") {
		base = strings.TrimSpace(strings.TrimSuffix(base, "[]"))
	}
	if i := strings.IndexByte(base, '('); i >= 0 {
		base = base[:i] + afterParen(base[i:])
	}
	return builtinTypes[strings.Join(strings.Fields(base), " ")]
}

// afterParen drops "(...)" from the start of s and returns the rest, so that
// "timestamp(3) with time zone" keeps its "with time zone".
func afterParen(s string) string {
	if i := strings.IndexByte(s, ')'); i >= 0 {
		return s[i+1:]
	}
	return ""
}

var builtinTypes = map[string]bool{
	"smallint": true, "integer": true, "bigint": true, "int2": true, "int4": true, "int8": true,
	"int": true, "numeric": true, "decimal": true, "real": true, "double precision": true,
	"float4": true, "float8": true, "money": true,
	"character varying": true, "varchar": true, "character": true, "char": true, "bpchar": true,
	"text": true, "name": true,
	"bytea": true, "boolean": true, "bool": true,
	"date": true, "timestamp": true, "timestamp without time zone": true,
	"timestamp with time zone": true, "timestamptz": true,
	"time": true, "time without time zone": true, "time with time zone": true, "timetz": true,
	"interval": true, "uuid": true, "json": true, "jsonb": true, "xml": true,
	"bit": true, "bit varying": true, "varbit": true,
	"inet": true, "cidr": true, "macaddr": true, "macaddr8": true,
	"point": true, "line": true, "lseg": true, "box": true, "path": true, "polygon": true, "circle": true,
	"tsvector": true, "tsquery": true, "oid": true,
	"int4range": true, "int8range": true, "numrange": true, "tsrange": true, "tstzrange": true, "daterange": true,
}
