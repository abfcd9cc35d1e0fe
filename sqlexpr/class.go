package sqlexpr

import (
	"regexp"
	"strconv"
	"strings"
)

// class is the coarse type of a value in a translated expression: enough to
// refuse what PostgreSQL would not accept (a number compared with text, a
// column used as a condition) or would read differently, which the source
// engines' loose typing lets pass.
type class int

const (
	clsNull        class = iota // NULL: fits everywhere
	clsUntyped                  // a string literal, typed by where it is used
	clsBool                     // boolean
	clsInt                      // smallint, integer, bigint
	clsExact                    // numeric
	clsFloat                    // real, double precision
	clsText                     // text, varchar, char
	clsDate                     // date
	clsTime                     // time
	clsTimestamp                // timestamp without time zone
	clsTimestampTZ              // timestamp with time zone
	clsUUID                     // uuid
	clsJSON                     // json, jsonb
	clsBytes                    // bytea
	clsBits                     // bit(n), bit varying
	clsTextArray                // text[]: a MySQL SET
	clsEnum                     // a PostgreSQL enum type made for an ENUM column
	clsOther                    // anything else: no literal or operator is translated for it
)

var classNames = map[class]string{
	clsNull: "NULL", clsUntyped: "a string", clsBool: "a boolean", clsInt: "an integer", clsExact: "a decimal",
	clsFloat: "a float", clsText: "text", clsDate: "a date", clsTime: "a time", clsTimestamp: "a timestamp",
	clsTimestampTZ: "a timestamp with time zone", clsUUID: "a uuid", clsJSON: "JSON", clsBytes: "bytes",
	clsBits: "bits", clsTextArray: "a set", clsEnum: "an enum", clsOther: "a value of another type",
}

func (c class) String() string { return classNames[c] }

func (c class) numeric() bool { return c == clsInt || c == clsExact || c == clsFloat }

func (c class) temporal() bool {
	return c == clsDate || c == clsTimestamp || c == clsTimestampTZ
}

// comparable reports whether PostgreSQL compares values of the two classes
// as the source did: numbers with numbers, dates and timestamps with each
// other, and otherwise only the same class.
func comparable(a, b class) bool {
	return a == b || a.numeric() && b.numeric() || a.temporal() && b.temporal()
}

// columnType is a target column type, parsed for what translation needs.
type columnType struct {
	cls   class
	width int // bit(n): n; 0 when unknown
}

var (
	typeMods  = regexp.MustCompile(`\s*\(\s*(\d+)\s*(?:,\s*\d+\s*)?\)`)
	typeSpace = regexp.MustCompile(`\s+`)
)

// parseColumnType classifies a PostgreSQL type as written in DDL. A quoted
// name is an enum type Sluice creates for an ENUM column.
func parseColumnType(ddl string) columnType {
	s := strings.TrimSpace(ddl)
	if strings.HasPrefix(s, `"`) {
		return columnType{cls: clsEnum}
	}
	s = typeSpace.ReplaceAllString(strings.ToLower(s), " ")
	ct := columnType{}
	if m := typeMods.FindStringSubmatch(s); m != nil {
		ct.width, _ = strconv.Atoi(m[1])
		s = typeMods.ReplaceAllString(s, "")
	}
	if strings.HasSuffix(s, "[]") {
		if base := strings.TrimSpace(strings.TrimSuffix(s, "[]")); baseClass[base] == clsText {
			ct.cls = clsTextArray
			return ct
		}
		ct.cls = clsOther
		return ct
	}
	cls, ok := baseClass[s]
	if !ok {
		cls = clsOther
	}
	ct.cls = cls
	return ct
}

var baseClass = map[string]class{
	"boolean": clsBool, "bool": clsBool,
	"smallint": clsInt, "integer": clsInt, "int": clsInt, "bigint": clsInt, "int2": clsInt, "int4": clsInt, "int8": clsInt,
	"numeric": clsExact, "decimal": clsExact,
	"real": clsFloat, "double precision": clsFloat, "float4": clsFloat, "float8": clsFloat,
	"text": clsText, "varchar": clsText, "character varying": clsText, "char": clsText, "character": clsText, "bpchar": clsText,
	"date": clsDate,
	"time": clsTime, "time without time zone": clsTime,
	"timestamp": clsTimestamp, "timestamp without time zone": clsTimestamp,
	"timestamptz": clsTimestampTZ, "timestamp with time zone": clsTimestampTZ,
	"uuid": clsUUID, "json": clsJSON, "jsonb": clsJSON, "bytea": clsBytes,
	"bit": clsBits, "bit varying": clsBits, "varbit": clsBits,
}

// castType maps the type of a CAST to a PostgreSQL type: PostgreSQL's own
// names, and MySQL's and SQLite's names for the same types.
func castType(d Dialect, name string) (string, bool) {
	base := typeMods.ReplaceAllString(name, "")
	if d != Postgres {
		if pg, ok := foreignCasts[d][base]; ok && pg == "text" {
			return pg, true
		} else if ok {
			return pg + strings.TrimPrefix(name, base), true
		}
		return "", false
	}
	if _, ok := baseClass[base]; ok {
		return name, true
	}
	return "", false
}

var foreignCasts = map[Dialect]map[string]string{
	MySQL: {
		"date": "date", "datetime": "timestamp", "timestamp": "timestamp", "time": "time", "char": "text",
		"signed": "bigint", "signed integer": "bigint", "decimal": "numeric", "double": "double precision",
	},
	SQLite: {"integer": "bigint", "text": "text", "real": "double precision", "numeric": "numeric"},
	SQLServer: {
		"int": "integer", "bigint": "bigint", "smallint": "smallint", "bit": "boolean", "date": "date",
		"datetime": "timestamp", "datetime2": "timestamp", "decimal": "numeric", "numeric": "numeric",
		"float": "double precision", "varchar": "text", "nvarchar": "text",
	},
}
