package csvsrc

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// A column's type is declared in the config (source_type) or inferred from
// a sample of the file, written as a PostgreSQL type name; it decides how a
// field's text is read and checked. The names map to a sluice.Type whose
// PostgreSQL type (docs/TYPES.md) is the name itself.

var typeSyntax = regexp.MustCompile(`^([a-z][a-z0-9 ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?(\s+not\s+null)?$`)

// ParseType reads a declared type such as "integer", "numeric(10,2)",
// "varchar(80) not null". Raw keeps the type as normalised, without "not
// null".
func ParseType(decl string) (t sluice.Type, notNull bool, err error) {
	norm := strings.Join(strings.Fields(strings.ToLower(decl)), " ")
	m := typeSyntax.FindStringSubmatch(norm)
	if m == nil {
		return t, false, fmt.Errorf("%s is not a type (write e.g. integer, numeric(10,2), varchar(80), date not null)", strconv.Quote(decl))
	}
	name, notNull := m[1], m[4] != ""
	var args []int
	for _, a := range m[2:4] {
		if a != "" {
			n, _ := strconv.Atoi(a)
			args = append(args, n)
		}
	}
	t, err = typeOf(name, args)
	if err != nil {
		return t, false, fmt.Errorf("%s: %w", strconv.Quote(decl), err)
	}
	t.Raw = strings.TrimSuffix(strings.TrimSuffix(norm, m[4]), " ")
	return t, notNull, nil
}

func typeOf(name string, args []int) (sluice.Type, error) {
	if t, ok := plainTypes[name]; ok {
		if len(args) > 0 {
			return t, fmt.Errorf("%s takes no length or precision", name)
		}
		return t, nil
	}
	switch name {
	case "numeric", "decimal":
		return decimalType(args)
	case "varchar", "character varying":
		return varcharType(args)
	case "timestamp", "timestamp without time zone":
		return precise(sluice.KindTimestamp, args)
	case "timestamptz", "timestamp with time zone":
		return precise(sluice.KindTimestampTZ, args)
	case "time", "time without time zone":
		return precise(sluice.KindTime, args)
	}
	return sluice.Type{}, fmt.Errorf("unknown type (known: %s)", knownTypes)
}

const knownTypes = "smallint, integer, bigint, numeric(p,s), real, double precision, boolean, date, timestamp, " +
	"timestamptz, time, text, varchar(n), bytea, uuid, json, jsonb"

var plainTypes = map[string]sluice.Type{
	"smallint": {Kind: sluice.KindInt, Bits: 16}, "int2": {Kind: sluice.KindInt, Bits: 16},
	"integer": {Kind: sluice.KindInt, Bits: 32}, "int": {Kind: sluice.KindInt, Bits: 32}, "int4": {Kind: sluice.KindInt, Bits: 32},
	"bigint": {Kind: sluice.KindInt, Bits: 64}, "int8": {Kind: sluice.KindInt, Bits: 64},
	"real": {Kind: sluice.KindFloat, Bits: 32}, "float4": {Kind: sluice.KindFloat, Bits: 32},
	"double precision": {Kind: sluice.KindFloat, Bits: 64}, "double": {Kind: sluice.KindFloat, Bits: 64},
	"float8": {Kind: sluice.KindFloat, Bits: 64}, "float": {Kind: sluice.KindFloat, Bits: 64},
	"boolean": {Kind: sluice.KindBool}, "bool": {Kind: sluice.KindBool},
	"date": {Kind: sluice.KindDate}, "text": {Kind: sluice.KindText}, "bytea": {Kind: sluice.KindBytes},
	"uuid": {Kind: sluice.KindUUID}, "json": {Kind: sluice.KindJSON}, "jsonb": {Kind: sluice.KindJSON},
}

func decimalType(args []int) (sluice.Type, error) {
	t := sluice.Type{Kind: sluice.KindDecimal}
	if len(args) == 0 {
		return t, nil
	}
	t.Precision = args[0]
	if len(args) == 2 {
		t.Scale = args[1]
	}
	if t.Precision < 1 || t.Precision > 1000 || t.Scale > t.Precision {
		return t, fmt.Errorf("numeric(p,s) needs 1 <= p <= 1000 and 0 <= s <= p")
	}
	return t, nil
}

func varcharType(args []int) (sluice.Type, error) {
	switch {
	case len(args) == 0:
		return sluice.Type{Kind: sluice.KindText}, nil
	case len(args) > 1 || args[0] < 1 || args[0] > 10485760:
		return sluice.Type{}, fmt.Errorf("varchar(n) needs 1 <= n <= 10485760")
	}
	return sluice.Type{Kind: sluice.KindString, Length: args[0]}, nil
}

// precise reads the fractional digits of a time type, 0..6 (6 when not given).
func precise(kind sluice.Kind, args []int) (sluice.Type, error) {
	t := sluice.Type{Kind: kind}
	switch {
	case len(args) == 0:
		return t, nil
	case len(args) > 1 || args[0] > 6:
		return t, fmt.Errorf("%s(p) needs 0 <= p <= 6", kind)
	}
	t.Precision = args[0]
	if t.Precision == 0 {
		t.Precision = -1 // written (0): whole seconds
	}
	return t, nil
}

// fractionDigits is how many fractional digits of a second a time type
// keeps.
func fractionDigits(t sluice.Type) int {
	switch {
	case t.Precision < 0:
		return 0
	case t.Precision == 0:
		return 6
	}
	return t.Precision
}
