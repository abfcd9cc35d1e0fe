package plan

import (
	"strconv"
	"strings"
)

// shape is what narrowing compares of a PostgreSQL type: a string's length
// (0 when unbounded), an integer's or float's byte size, a numeric's
// precision and scale (precision 0 when unconstrained).
type shape struct {
	family    string // "string", "int", "numeric", "float", or "" for anything else
	size      int
	precision int
	scale     int
}

// narrows reports whether the override holds fewer values than the mapped
// type: a shorter string, a smaller integer or float, a numeric with fewer
// digits before or after the point. Values that do not fit are rejected, so
// the plan warns.
func narrows(mapped, override string) bool {
	m, o := parseShape(mapped), parseShape(override)
	switch {
	case m.family == "string" && o.family == "string":
		return o.size > 0 && (m.size == 0 || o.size < m.size)
	case (m.family == "int" || m.family == "float") && m.family == o.family:
		return o.size < m.size
	case m.family == "numeric" || o.family == "numeric":
		mInt, mScale := m.digits()
		oInt, oScale := o.digits()
		return narrowsNumber(mInt, mScale, oInt, oScale)
	}
	return false
}

// digits is (integer digits, scale) a numeric type holds, -1 when unbounded.
func (s shape) digits() (int, int) {
	switch {
	case s.family == "int":
		return map[int]int{2: 4, 4: 9, 8: 18}[s.size], 0
	case s.family == "numeric" && s.precision > 0:
		return s.precision - s.scale, s.scale
	case s.family == "numeric":
		return -1, -1
	}
	return -2, -2 // not a number: no comparison
}

// narrowsNumber compares (integer digits, scale) pairs; -1 is unbounded.
func narrowsNumber(mInt, mScale, oInt, oScale int) bool {
	if mInt == -2 || oInt == -2 {
		return false
	}
	fewer := func(o, m int) bool { return o != -1 && (m == -1 || o < m) }
	return fewer(oInt, mInt) || fewer(oScale, mScale)
}

func parseShape(typ string) shape {
	base, args := splitTypeArgs(typ)
	switch base {
	case "varchar", "character varying", "char", "character", "bpchar":
		if len(args) > 0 {
			return shape{family: "string", size: args[0]}
		}
		if base == "char" || base == "character" || base == "bpchar" {
			return shape{family: "string", size: 1}
		}
		return shape{family: "string"}
	case "text":
		return shape{family: "string"}
	case "numeric", "decimal":
		return numericShape(args)
	}
	if n, ok := intSizes[base]; ok {
		return shape{family: "int", size: n}
	}
	if n, ok := floatSizes[base]; ok {
		return shape{family: "float", size: n}
	}
	return shape{}
}

func numericShape(args []int) shape {
	s := shape{family: "numeric"}
	if len(args) > 0 {
		s.precision = args[0]
	}
	if len(args) > 1 {
		s.scale = args[1]
	}
	return s
}

var intSizes = map[string]int{"smallint": 2, "int2": 2, "integer": 4, "int": 4, "int4": 4, "bigint": 8, "int8": 8}

var floatSizes = map[string]int{"real": 4, "float4": 4, "double precision": 8, "float8": 8}

// splitTypeArgs turns "Numeric( 12, 2 )" into ("numeric", [12 2]).
func splitTypeArgs(typ string) (string, []int) {
	base, rest, _ := strings.Cut(strings.ToLower(typ), "(")
	base = strings.Join(strings.Fields(base), " ")
	inner, _, _ := strings.Cut(rest, ")")
	var args []int
	for _, a := range strings.Split(inner, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(a)); err == nil {
			args = append(args, n)
		}
	}
	return base, args
}
