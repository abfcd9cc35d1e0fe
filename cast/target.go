package cast

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// target is a PostgreSQL type as written in DDL, parsed.
type target struct {
	ddl   string // as written (trimmed, lower-case), for reasons
	base  string // canonical scalar name ("varchar"), or the name pgx's Map knows it by
	pg    string // the scalar's name in pgx's Map ("float8"); "" until resolved
	n     int    // length or precision; -1 when not written
	scale int    // numeric scale; -1 when not written
	array bool
}

// alias maps the spellings of a known scalar type to its canonical name and
// its name in pgx's Map.
var alias = map[string][2]string{
	"boolean": {"boolean", "bool"}, "bool": {"boolean", "bool"},
	"smallint": {"smallint", "int2"}, "int2": {"smallint", "int2"},
	"integer": {"integer", "int4"}, "int": {"integer", "int4"}, "int4": {"integer", "int4"},
	"bigint": {"bigint", "int8"}, "int8": {"bigint", "int8"},
	"numeric": {"numeric", "numeric"}, "decimal": {"numeric", "numeric"},
	"real": {"real", "float4"}, "float4": {"real", "float4"},
	"double precision": {"double precision", "float8"}, "float8": {"double precision", "float8"},
	"varchar": {"varchar", "varchar"}, "character varying": {"varchar", "varchar"},
	"char": {"char", "bpchar"}, "character": {"char", "bpchar"}, "bpchar": {"char", "bpchar"},
	"text": {"text", "text"}, "bytea": {"bytea", "bytea"}, "date": {"date", "date"},
	"timestamp": {"timestamp", "timestamp"}, "timestamp without time zone": {"timestamp", "timestamp"},
	"timestamptz": {"timestamptz", "timestamptz"}, "timestamp with time zone": {"timestamptz", "timestamptz"},
	"time": {"time", "time"}, "time without time zone": {"time", "time"},
	"interval": {"interval", "interval"}, "uuid": {"uuid", "uuid"},
	"json": {"json", "json"}, "jsonb": {"jsonb", "jsonb"},
	"bit": {"bit", "bit"}, "varbit": {"varbit", "varbit"}, "bit varying": {"varbit", "varbit"},
}

var (
	arraySuffix = regexp.MustCompile(`\s*\[\d*\]$`)
	typeSyntax  = regexp.MustCompile(`^([a-z_][a-z0-9_ ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*(with time zone|without time zone)?$`)
	spaces      = regexp.MustCompile(`\s+`)
)

// parseTarget reads a DDL type: a name, optional modifiers, an optional time
// zone clause and any number of array brackets.
func parseTarget(ddl string) (target, error) {
	s := spaces.ReplaceAllString(strings.ToLower(strings.TrimSpace(ddl)), " ")
	t := target{ddl: s, n: -1, scale: -1}
	for arraySuffix.MatchString(s) {
		s, t.array = arraySuffix.ReplaceAllString(s, ""), true
	}
	if !t.array && spatialType.MatchString(s) {
		t.base, t.pg = "geometry", s // PostGIS: not in pgx's Map; EWKB goes over binary COPY as bytes
		return t, nil
	}
	m := typeSyntax.FindStringSubmatch(s)
	if m == nil {
		return t, fmt.Errorf("unknown type")
	}
	name := strings.TrimSpace(strings.TrimSpace(m[1]) + " " + m[4])
	t.n, t.scale = modifier(m[2]), modifier(m[3])
	if a, ok := alias[name]; ok {
		t.base, t.pg = a[0], a[1]
		return t, t.checkModifiers()
	}
	if m[2] != "" {
		return t, fmt.Errorf("modifiers of type %s are not supported", name)
	}
	t.base, t.pg = name, name
	return t, nil
}

func modifier(s string) int {
	if s == "" {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 1 << 30 // too many digits: the range check below rejects it
	}
	return n
}

// checkModifiers applies PostgreSQL's limits and defaults to the modifiers.
func (t *target) checkModifiers() error {
	if t.scale >= 0 && t.base != "numeric" {
		return fmt.Errorf("type %s takes one modifier", t.base)
	}
	switch t.base {
	case "numeric":
		return t.checkNumeric()
	case "varchar", "char", "bit", "varbit":
		return t.checkLength()
	case "timestamp", "timestamptz", "time":
		return t.checkPrecision()
	}
	if t.n >= 0 {
		return fmt.Errorf("type %s takes no modifier", t.base)
	}
	return nil
}

func (t *target) checkNumeric() error {
	if t.n < 0 {
		return nil
	}
	if t.n < 1 || t.n > 1000 {
		return fmt.Errorf("numeric precision %d is outside 1..1000", t.n)
	}
	if t.scale < 0 {
		t.scale = 0
	}
	if t.scale > t.n {
		return fmt.Errorf("numeric scale %d is greater than its precision %d", t.scale, t.n)
	}
	return nil
}

func (t *target) checkLength() error {
	if t.n < 0 && (t.base == "char" || t.base == "bit") {
		t.n = 1 // char and bit without a length are char(1) and bit(1)
	}
	if t.n == 0 || t.n > 10485760 {
		return fmt.Errorf("length %d of %s is outside 1..10485760", t.n, t.base)
	}
	return nil
}

func (t *target) checkPrecision() error {
	if t.n < 0 {
		t.n = 6
	}
	if t.n > 6 {
		return fmt.Errorf("precision %d of %s is outside 0..6", t.n, t.base)
	}
	return nil
}

// element is the scalar type of an array target.
func (t target) element() target {
	e := t
	e.array = false
	e.ddl = strings.TrimSpace(arraySuffix.ReplaceAllString(t.ddl, ""))
	for arraySuffix.MatchString(e.ddl) {
		e.ddl = arraySuffix.ReplaceAllString(e.ddl, "")
	}
	return e
}
