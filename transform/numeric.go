package transform

import (
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// numericText is a numeric's shortest decimal text: no trailing zeros after
// the point, no exponent ("12.5", "1200", "-0.05").
func numericText(n pgtype.Numeric) string {
	switch {
	case !n.Valid:
		return ""
	case n.NaN:
		return "NaN"
	case n.InfinityModifier == pgtype.Infinity:
		return "Infinity"
	case n.InfinityModifier == pgtype.NegativeInfinity:
		return "-Infinity"
	case n.Int == nil || n.Int.Sign() == 0:
		return "0"
	}
	digits, exp := n.Int.String(), int(n.Exp)
	neg := digits[0] == '-'
	digits = strings.TrimPrefix(digits, "-")
	for exp < 0 && strings.HasSuffix(digits, "0") {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	s := placePoint(digits, exp)
	if neg {
		return "-" + s
	}
	return s
}

// placePoint writes digits × 10^exp in positional notation.
func placePoint(digits string, exp int) string {
	if exp >= 0 {
		return digits + strings.Repeat("0", exp)
	}
	if point := len(digits) + exp; point > 0 {
		return digits[:point] + "." + digits[point:]
	}
	return "0." + strings.Repeat("0", -exp-len(digits)) + digits
}
