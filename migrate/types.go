package migrate

import (
	"regexp"
	"strings"
)

// canonicalType writes a PostgreSQL type the way format_type() reports it,
// so a planned "varchar(50)" matches an existing "character varying(50)".
func canonicalType(t string) string {
	t = strings.ToLower(strings.Join(strings.Fields(t), " "))
	array := strings.HasSuffix(t, "[]")
	t = strings.TrimSuffix(t, "[]")
	name, mod := t, ""
	if m := typeWithMod.FindStringSubmatch(t); m != nil {
		name, mod = m[1], "("+strings.ReplaceAll(m[2], " ", "")+")"
		if strings.TrimSpace(m[3]) == "with time zone" {
			name += "tz"
		}
	}
	name = strings.TrimSpace(name)
	if a, ok := typeAliases[name]; ok {
		name = a
	}
	switch name {
	case "timestamp", "time":
		name += mod + " without time zone"
		mod = ""
	case "timestamptz", "timetz":
		name = strings.TrimSuffix(name, "tz") + mod + " with time zone"
		mod = ""
	}
	if array {
		mod += "[]"
	}
	return name + mod
}

var typeWithMod = regexp.MustCompile(`^([a-z ]+?)\s*\(([0-9, ]+)\)(.*)$`)

var typeAliases = map[string]string{
	"varchar": "character varying", "char": "character", "bpchar": "character",
	"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
	"bool": "boolean", "float8": "double precision", "float4": "real",
	"decimal": "numeric", "varbit": "bit varying",
	"timestamp without time zone": "timestamp", "time without time zone": "time",
	"timestamp with time zone": "timestamptz", "time with time zone": "timetz",
}
