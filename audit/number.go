package audit

import (
	"fmt"
	"strings"
)

// maxExponent bounds the numbers the audit log accepts. A number is written
// out in full (no exponent), so 1e400 would be 401 digits; PostgreSQL's jsonb
// numeric type holds far more, but nothing Sluice records needs even this.
const maxExponent = 1000

// canonicalNumber rewrites a JSON number in the one form the canonical
// encoding uses: plain decimal notation, no exponent, no leading zeros in the
// integer part, no trailing zeros in the fraction, no "-0". The form depends
// only on the number's value, so jsonb, which keeps "1.50" but turns "1e3"
// into "1000", gives back text that canonicalises to the same bytes.
func canonicalNumber(s string) (string, error) {
	neg, intPart, frac, exp, err := splitNumber(s)
	if err != nil {
		return "", err
	}
	if exp > maxExponent || exp < -maxExponent {
		return "", fmt.Errorf("number %s is out of range for the audit log (exponent beyond ±%d)", s, maxExponent)
	}
	digits := intPart + frac
	point := len(intPart) + exp // position of the decimal point in digits
	whole, fraction := placePoint(digits, point)
	whole = strings.TrimLeft(whole, "0")
	fraction = strings.TrimRight(fraction, "0")
	if whole == "" {
		whole = "0"
	}
	out := whole
	if fraction != "" {
		out += "." + fraction
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, nil
}

// placePoint splits digits at point, padding with zeros on either side when
// the point lies outside them.
func placePoint(digits string, point int) (whole, fraction string) {
	switch {
	case point <= 0:
		return "", strings.Repeat("0", -point) + digits
	case point >= len(digits):
		return digits + strings.Repeat("0", point-len(digits)), ""
	default:
		return digits[:point], digits[point:]
	}
}

// splitNumber parses JSON number syntax: -?int(.frac)?([eE][+-]?exp)?.
func splitNumber(s string) (neg bool, intPart, frac string, exp int, err error) {
	bad := fmt.Errorf("%q is not a JSON number", s)
	rest := s
	if strings.HasPrefix(rest, "-") {
		neg, rest = true, rest[1:]
	}
	intPart, rest = leadingDigits(rest)
	if intPart == "" || (len(intPart) > 1 && intPart[0] == '0') {
		return false, "", "", 0, bad
	}
	if strings.HasPrefix(rest, ".") {
		frac, rest = leadingDigits(rest[1:])
		if frac == "" {
			return false, "", "", 0, bad
		}
	}
	if rest != "" {
		exp, err = parseExponent(rest)
		if err != nil {
			return false, "", "", 0, bad
		}
	}
	return neg, intPart, frac, exp, nil
}

// parseExponent reads "e+12", "E-3", "e7"; an absurdly long exponent
// saturates instead of overflowing, and is refused by the range check.
func parseExponent(s string) (int, error) {
	if s[0] != 'e' && s[0] != 'E' {
		return 0, fmt.Errorf("bad exponent %q", s)
	}
	s = s[1:]
	sign := 1
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	digits, rest := leadingDigits(s)
	if digits == "" || rest != "" {
		return 0, fmt.Errorf("bad exponent %q", s)
	}
	n := 0
	for _, c := range digits {
		n = min(n*10+int(c-'0'), 10*maxExponent)
	}
	return sign * n, nil
}

func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}
