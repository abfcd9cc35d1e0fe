package plan

import (
	"fmt"
	"slices"
	"strings"
)

// Type resolution between the parts of a merged table. A column whose parts
// map to different types gets the narrowest type that holds every part's
// values, so that no value is changed on the way:
//
//   - the same type (as PostgreSQL writes it): that type;
//   - integers: the widest (smallint < integer < bigint);
//   - integers and numerics: numeric with the most integer digits of any
//     part (smallint 5, integer 10, bigint 19) and the largest scale, or
//     unconstrained numeric when a part is;
//   - floats: double precision when a part is, else real;
//   - strings: the longest varchar (char(n) counts as varchar(n)); text
//     when a part is text or an unbounded varchar;
//   - dates and timestamps: timestamptz when a part has a time zone, else
//     timestamp (a date is its midnight); the largest precision, or none
//     when a part has none (the most PostgreSQL keeps);
//   - anything else: text, with a warning, since values are then cast to
//     their text form.
//
// The rule is shown, per column, in the plan's schema drift section.

// whyText is the Why of a column no wider type can hold.
const whyText = "no common type; values are cast to text"

// resolveTypes returns the type that holds values of every type in types,
// and why it was chosen ("" when every type is the same).
func resolveTypes(types []string) (string, string) {
	if sameTypes(types) {
		return types[0], ""
	}
	for _, r := range []func([]string) (string, string, bool){widestInt, widestNumber, widestFloat, widestString, widestTime} {
		if typ, why, ok := r(types); ok {
			return typ, why
		}
	}
	return "text", whyText
}

func sameTypes(types []string) bool {
	for _, t := range types[1:] {
		if CanonicalType(t) != CanonicalType(types[0]) {
			return false
		}
	}
	return true
}

// shapesOf parses every type, and reports whether each one's family is
// among families.
func shapesOf(types []string, families ...string) ([]shape, bool) {
	shapes := make([]shape, len(types))
	for i, t := range types {
		shapes[i] = parseShape(t)
		if !slices.Contains(families, shapes[i].family) {
			return nil, false
		}
	}
	return shapes, true
}

func widestInt(types []string) (string, string, bool) {
	shapes, ok := shapesOf(types, "int")
	if !ok {
		return "", "", false
	}
	size := 0
	for _, s := range shapes {
		size = max(size, s.size)
	}
	return map[int]string{2: "smallint", 4: "integer", 8: "bigint"}[size], "widest integer", true
}

// intDigits is how many digits an integer type's values can have.
var intDigits = map[int]int{2: 5, 4: 10, 8: 19}

func widestNumber(types []string) (string, string, bool) {
	shapes, ok := shapesOf(types, "int", "numeric")
	if !ok {
		return "", "", false
	}
	digits, scale := 0, 0
	for _, s := range shapes {
		switch {
		case s.family == "int":
			digits = max(digits, intDigits[s.size])
		case s.precision == 0:
			return "numeric", "unconstrained numeric holds every part's values", true
		default:
			digits, scale = max(digits, s.precision-s.scale), max(scale, s.scale)
		}
	}
	if digits+scale > 1000 { // PostgreSQL's largest declared precision
		return "numeric", "unconstrained numeric holds every part's values", true
	}
	return fmt.Sprintf("numeric(%d,%d)", digits+scale, scale), "numeric with the most integer digits and the largest scale", true
}

func widestFloat(types []string) (string, string, bool) {
	shapes, ok := shapesOf(types, "float")
	if !ok {
		return "", "", false
	}
	for _, s := range shapes {
		if s.size == 8 {
			return "double precision", "widest float", true
		}
	}
	return "real", "widest float", true
}

func widestString(types []string) (string, string, bool) {
	shapes, ok := shapesOf(types, "string")
	if !ok {
		return "", "", false
	}
	size := 0
	for _, s := range shapes {
		if s.size == 0 {
			return "text", "text holds every part's strings", true
		}
		size = max(size, s.size)
	}
	return fmt.Sprintf("varchar(%d)", size), "longest varchar", true
}

// timeShape is a date or timestamp type: zone, and precision (-1 when the
// type has none, which is the largest).
type timeShape struct {
	kind      string // "date", "timestamp"
	zone      bool
	precision int
}

func parseTime(typ string) (timeShape, bool) {
	t := strings.ToLower(strings.Join(strings.Fields(typ), " "))
	zone := strings.HasSuffix(t, " with time zone") || strings.HasPrefix(t, "timestamptz")
	t = strings.TrimSuffix(strings.TrimSuffix(t, " with time zone"), " without time zone")
	base, args := splitTypeArgs(t)
	switch {
	case base == "date":
		return timeShape{kind: "date"}, true
	case base != "timestamp" && base != "timestamptz":
		return timeShape{}, false
	case len(args) > 0:
		return timeShape{kind: "timestamp", zone: zone, precision: args[0]}, true
	}
	return timeShape{kind: "timestamp", zone: zone, precision: -1}, true
}

func widestTime(types []string) (string, string, bool) {
	var zone, plain, date, stamp bool
	precision := 0
	for _, typ := range types {
		s, ok := parseTime(typ)
		switch {
		case !ok:
			return "", "", false
		case s.kind == "date":
			date = true
		default:
			stamp, zone, plain = true, zone || s.zone, plain || !s.zone
			precision = widerPrecision(precision, s.precision)
		}
	}
	if !stamp {
		return "", "", false // only dates: the same type, settled before
	}
	name, why := "timestamp", "the largest precision"
	if zone {
		name = "timestamptz"
	}
	switch {
	case zone && plain:
		why = "timestamptz holds timestamps with and without time zone"
	case date:
		why = name + " holds dates (at midnight)"
	}
	return withPrecision(name, max(precision, 0)), why, true
}

// widerPrecision compares fractional-second precisions; -1 (none given)
// is the most PostgreSQL keeps.
func widerPrecision(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	return max(a, b)
}
