package sqlite

import (
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

// ParseType maps a declared column type to a sluice.Type the way docs/TYPES.md
// says: exact names first (BOOLEAN, DATE, NUMERIC(p,s), ...), then SQLite's
// own affinity words (INT, CHAR/CLOB/TEXT, BLOB, REAL/FLOA/DOUB). Raw keeps
// the declaration as written.
func ParseType(decl string) sluice.Type {
	base, args := splitType(decl)
	t := byName(base, args)
	if t.Kind == "" {
		t = byAffinity(base, args)
	}
	t.Raw = decl
	return t
}

// splitType turns "NVARCHAR ( 160 )" into ("NVARCHAR", [160]); an argument
// that is not a number becomes -1, so "VARCHAR(MAX)" has no usable length.
func splitType(decl string) (string, []int) {
	base, rest, found := strings.Cut(decl, "(")
	base = strings.Join(strings.Fields(strings.ToUpper(base)), " ")
	if !found {
		return base, nil
	}
	inner, _, _ := strings.Cut(rest, ")")
	var args []int
	for _, a := range strings.Split(inner, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil || n < 0 {
			n = -1
		}
		args = append(args, n)
	}
	return base, args
}

func byName(base string, args []int) sluice.Type {
	switch base {
	case "BOOLEAN", "BOOL":
		return sluice.Type{Kind: sluice.KindBool}
	case "TINYINT":
		if len(args) == 1 && args[0] == 1 {
			return sluice.Type{Kind: sluice.KindBool}
		}
		return sluice.Type{Kind: sluice.KindInt, Bits: 8}
	case "SMALLINT", "INT2":
		return sluice.Type{Kind: sluice.KindInt, Bits: 16}
	case "NUMERIC", "DECIMAL":
		return decimal(args)
	case "DATE":
		return sluice.Type{Kind: sluice.KindDate}
	case "DATETIME", "TIMESTAMP":
		return sluice.Type{Kind: sluice.KindTimestamp}
	case "TIME":
		return sluice.Type{Kind: sluice.KindTime}
	case "JSON":
		return sluice.Type{Kind: sluice.KindJSON}
	case "":
		return sluice.Type{Kind: sluice.KindOther}
	}
	return sluice.Type{}
}

func decimal(args []int) sluice.Type {
	t := sluice.Type{Kind: sluice.KindDecimal}
	if len(args) >= 1 && args[0] > 0 {
		t.Precision = args[0]
	}
	if len(args) >= 2 && args[1] > 0 && t.Precision > 0 {
		t.Scale = args[1]
	}
	return t
}

// byAffinity follows the order of SQLite's affinity rules, so that a name
// like "FLOATING POINT" lands where SQLite stores its values (INTEGER).
func byAffinity(base string, args []int) sluice.Type {
	switch {
	case strings.Contains(base, "INT"):
		return sluice.Type{Kind: sluice.KindInt, Bits: 64}
	case strings.Contains(base, "CHAR"), strings.Contains(base, "CLOB"), strings.Contains(base, "TEXT"):
		return characters(args)
	case strings.Contains(base, "BLOB"):
		return sluice.Type{Kind: sluice.KindBytes}
	case strings.Contains(base, "REAL"), strings.Contains(base, "FLOA"), strings.Contains(base, "DOUB"):
		return sluice.Type{Kind: sluice.KindFloat, Bits: 64}
	}
	return sluice.Type{Kind: sluice.KindOther}
}

// characters is bounded text when a positive length is declared. SQLite does
// not enforce it, so the cast checks every value against it.
func characters(args []int) sluice.Type {
	if len(args) >= 1 && args[0] > 0 {
		return sluice.Type{Kind: sluice.KindString, Length: args[0]}
	}
	return sluice.Type{Kind: sluice.KindText}
}
