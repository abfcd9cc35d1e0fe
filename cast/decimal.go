package cast

import (
	"math/big"
	"strconv"
	"strings"
)

// decimal is an exact decimal number, mant × 10^exp. mant holds the digits
// without leading zeros ("" is zero) but with trailing zeros, so that the scale
// a value was written with survives ("12.50" stays 1250 × 10^-2).
type decimal struct {
	neg  bool
	mant string
	exp  int
}

// maxExponent bounds a written exponent far beyond any PostgreSQL numeric,
// so that digit arithmetic never overflows and no parse allocates without end.
const maxExponent = 1 << 20

// parseDecimal reads [+-]digits[.digits][(e|E)[+-]digits], at least one digit
// before the exponent, and nothing else: no spaces, no hex, no fractions.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg, i = s[i] == '-', i+1
	}
	whole, i := digitsAt(s, i)
	var frac string
	if i < len(s) && s[i] == '.' {
		frac, i = digitsAt(s, i+1)
	}
	if whole == "" && frac == "" {
		return d, false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		e, ok := parseExponent(s[i+1:])
		if !ok {
			return d, false
		}
		exp, i = e, len(s)
	}
	if i != len(s) {
		return d, false
	}
	digits := whole
	if frac != "" {
		digits += frac
	}
	d.mant = strings.TrimLeft(digits, "0")
	d.exp = exp - len(frac)
	d.neg = d.neg && d.mant != ""
	return d, true
}

// digitsAt returns the run of ASCII digits at s[i:] and the index after it.
func digitsAt(s string, i int) (string, int) {
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return s[i:j], j
}

func parseExponent(s string) (int, bool) {
	sign := 1
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	digits, end := digitsAt(s, 0)
	if digits == "" || end != len(s) {
		return 0, false
	}
	digits = strings.TrimLeft(digits, "0")
	if len(digits) > 7 {
		return 0, false
	}
	n, _ := strconv.Atoi("0" + digits)
	if n > maxExponent {
		return 0, false
	}
	return sign * n, true
}

// trimmed drops the trailing zeros: the value's significant digits.
func (d decimal) trimmed() (string, int) {
	m := strings.TrimRight(d.mant, "0")
	if m == "" {
		return "", 0 // zero, however many zeros were written after the point
	}
	return m, d.exp + len(d.mant) - len(m)
}

// scale counts the significant digits after the decimal point.
func (d decimal) scale() int {
	if _, e := d.trimmed(); e < 0 {
		return -e
	}
	return 0
}

// intDigits counts the digits before the decimal point, without leading zeros.
func (d decimal) intDigits() int {
	if d.mant == "" || len(d.mant)+d.exp < 0 {
		return 0
	}
	return len(d.mant) + d.exp
}

// equal compares values, whatever the scale they were written with.
func (d decimal) equal(o decimal) bool {
	m1, e1 := d.trimmed()
	m2, e2 := o.trimmed()
	return d.neg == o.neg && m1 == m2 && (m1 == "" || e1 == e2)
}

// bigInt returns the signed mantissa.
func (d decimal) bigInt() *big.Int {
	n := new(big.Int)
	if d.mant != "" {
		n.SetString(d.mant, 10)
	}
	if d.neg {
		n.Neg(n)
	}
	return n
}

// String writes the value in plain notation, or with an exponent when plain
// notation would need more than a few dozen zeros.
func (d decimal) String() string {
	sign := ""
	if d.neg {
		sign = "-"
	}
	m := d.mant
	if m == "" {
		m = "0"
	}
	switch {
	case d.exp >= 0 && d.exp <= 32:
		return sign + m + strings.Repeat("0", d.exp)
	case d.exp < 0 && -d.exp < len(m):
		return sign + m[:len(m)+d.exp] + "." + m[len(m)+d.exp:]
	case d.exp < 0 && -d.exp-len(m) <= 32:
		return sign + "0." + strings.Repeat("0", -d.exp-len(m)) + m
	}
	return sign + m + "e" + strconv.Itoa(d.exp)
}
