package plan

import (
	"regexp"
	"strings"
)

// CanonicalType writes a PostgreSQL type the way format_type() reports it,
// so that a planned "varchar(50)" equals the catalog's "character
// varying(50)": to compare a planned table with an existing one.
func CanonicalType(t string) string {
	t = strings.ToLower(strings.Join(strings.Fields(t), " "))
	dims := ""
	for strings.HasSuffix(t, "]") {
		i := strings.LastIndex(t, "[")
		if i < 0 {
			break
		}
		dims += "[]" // format_type drops array bounds
		t = strings.TrimSpace(t[:i])
	}
	m := typeParts.FindStringSubmatch(t)
	if m == nil {
		return t + dims
	}
	name, mod, zone := strings.TrimSpace(m[1]), m[2], strings.TrimSpace(m[3])
	if mod != "" {
		mod = "(" + strings.ReplaceAll(mod, " ", "") + ")"
	}
	if zone == "with time zone" {
		name += "tz"
	}
	if a, ok := typeAliases[name]; ok {
		name = a
	}
	if name == "character" && mod == "" {
		mod = "(1)" // a bare char is char(1)
	}
	return withZone(name, mod) + dims
}

var typeParts = regexp.MustCompile(`^([a-z_][a-z0-9_ ]*?)\s*(?:\(([0-9, ]+)\))?\s*((?:with|without) time zone)?$`)

// withZone places the modifier of a time type before its zone clause, as
// format_type does: "timestamp(3) without time zone".
func withZone(name, mod string) string {
	switch name {
	case "timestamp", "time":
		return name + mod + " without time zone"
	case "timestamptz", "timetz":
		return strings.TrimSuffix(name, "tz") + mod + " with time zone"
	}
	return name + mod
}

var typeAliases = map[string]string{
	"varchar": "character varying", "char": "character", "bpchar": "character",
	"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
	"bool": "boolean", "float8": "double precision", "float4": "real",
	"decimal": "numeric", "varbit": "bit varying",
	"timestamp without time zone": "timestamp", "time without time zone": "time",
}
