package sqlexpr

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// QuoteString writes s as a PostgreSQL string literal. A backslash makes it
// an E” literal, which reads the same whatever standard_conforming_strings
// is set to. PostgreSQL text cannot hold NUL.
func QuoteString(s string) (string, error) {
	if strings.ContainsRune(s, 0) {
		return "", fmt.Errorf("the string %q holds a NUL character, which PostgreSQL text cannot", s)
	}
	q := strings.ReplaceAll(s, "'", "''")
	if strings.Contains(s, `\`) {
		return "E'" + strings.ReplaceAll(q, `\`, `\\`) + "'", nil
	}
	return "'" + q + "'", nil
}

// quoteIdent double-quotes an identifier, as plan.QuoteIdent does (plan
// imports this package, so it cannot be imported here).
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

var numberText = regexp.MustCompile(`^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$`)

// literalAs writes literal l as a value of class to, for a column of type ct
// (defaults) or an operand compared with one (checks). It refuses a literal
// the class cannot hold, or that the source would have read otherwise.
// assign is set for a default, where a number becomes a string's text as
// MySQL stores it; a comparison of text with a number is numeric in MySQL,
// and is refused.
func (tr *translator) literalAs(l Lit, ct columnType, members []string, assign bool) (string, error) {
	if l.Kind == LitNull {
		return "NULL", nil
	}
	switch ct.cls {
	case clsText:
		return tr.textLiteral(l, members, assign)
	case clsEnum:
		return memberLiteral(l, members)
	case clsInt, clsExact, clsFloat:
		return numberLiteral(l)
	case clsBool:
		return tr.boolLiteral(l)
	case clsDate, clsTime, clsTimestamp, clsTimestampTZ:
		return tr.timeLiteral(l, ct.cls)
	}
	return otherLiteral(l, ct)
}

func otherLiteral(l Lit, ct columnType) (string, error) {
	switch ct.cls {
	case clsUUID:
		if _, err := uuid.Parse(l.Text); l.Kind == LitString && err == nil {
			return QuoteString(l.Text)
		}
	case clsJSON:
		if l.Kind == LitString && json.Valid([]byte(l.Text)) {
			return QuoteString(l.Text)
		}
	case clsBytes:
		return bytesLiteral(l)
	case clsBits:
		return bitsLiteral(l, ct.width)
	}
	return "", fmt.Errorf("%s is not %s", showLit(l), ct.cls)
}

func (tr *translator) textLiteral(l Lit, members []string, assign bool) (string, error) {
	switch {
	case l.Kind == LitString && members != nil && !contains(members, l.Text):
		return "", fmt.Errorf("%s is not a member of the ENUM", showLit(l))
	case l.Kind == LitString:
		return QuoteString(l.Text)
	case l.Kind == LitNumber && assign:
		return QuoteString(l.Text)
	}
	return "", fmt.Errorf("%s is compared with text (the source compares them as numbers)", showLit(l))
}

func memberLiteral(l Lit, members []string) (string, error) {
	if l.Kind != LitString || !contains(members, l.Text) {
		return "", fmt.Errorf("%s is not a member of the ENUM", showLit(l))
	}
	return QuoteString(l.Text)
}

// numberLiteral accepts a number, a string that is exactly one (MySQL
// reports the default of a numeric column as a string), and a bit literal
// (a number in MySQL).
func numberLiteral(l Lit) (string, error) {
	switch l.Kind {
	case LitNumber:
		return l.Text, nil
	case LitString:
		if numberText.MatchString(l.Text) {
			return l.Text, nil
		}
	case LitBits:
		n, ok := new(big.Int).SetString(l.Text, 2)
		if ok {
			return n.String(), nil
		}
	}
	return "", fmt.Errorf("%s is not a number", showLit(l))
}

// boolLiteral reads the ways the dialects write true and false: TRUE/FALSE,
// and in MySQL and SQLite the numbers 1 and 0 (as numbers, strings or bits).
func (tr *translator) boolLiteral(l Lit) (string, error) {
	text := strings.ToLower(l.Text)
	switch {
	case l.Kind == LitBool:
		return text, nil
	case tr.d == Postgres && l.Kind == LitString:
		switch text {
		case "t", "true", "y", "yes", "on", "1":
			return "true", nil
		case "f", "false", "n", "no", "off", "0":
			return "false", nil
		}
	case l.Kind == LitNumber || l.Kind == LitString || l.Kind == LitBits:
		switch strings.TrimLeft(text, "0") {
		case "1":
			return "true", nil
		case "":
			if text != "" {
				return "false", nil
			}
		}
	}
	return "", fmt.Errorf("%s is not a boolean", showLit(l))
}

// Layouts a date or time literal may have; more fractional digits are
// accepted by the trailing .999999999.
var (
	dateLayouts      = []string{"2006-01-02"}
	timeLayouts      = []string{"15:04:05.999999999", "15:04"}
	timestampLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02"}
	zoneLayouts      = []string{"2006-01-02 15:04:05.999999999-07", "2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999Z07:00"}
)

// timeLiteral accepts a string that is a real date or time of the class.
// MySQL's zero dates are not dates, and PostgreSQL has none. A MySQL
// timestamp without a zone is in UTC: Sluice reads MySQL in UTC, and that is
// how the server reports it.
func (tr *translator) timeLiteral(l Lit, cls class) (string, error) {
	if l.Kind != LitString {
		return "", fmt.Errorf("%s is not %s", showLit(l), cls)
	}
	layouts := map[class][]string{clsDate: dateLayouts, clsTime: timeLayouts, clsTimestamp: timestampLayouts, clsTimestampTZ: timestampLayouts}[cls]
	if parses(l.Text, layouts) {
		if cls == clsTimestampTZ && tr.d == MySQL {
			return QuoteString(l.Text + "+00")
		}
		if cls == clsTimestampTZ && tr.d != Postgres {
			return "", fmt.Errorf("%s has no time zone", showLit(l))
		}
		return QuoteString(l.Text)
	}
	if cls == clsTimestampTZ && parses(l.Text, zoneLayouts) {
		return QuoteString(l.Text)
	}
	return "", fmt.Errorf("%s is not %s PostgreSQL can hold", showLit(l), cls)
}

func parses(s string, layouts []string) bool {
	for _, layout := range layouts {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// bytesLiteral writes a binary string or a hex literal as bytea.
func bytesLiteral(l Lit) (string, error) {
	switch l.Kind {
	case LitString:
		return `'\x` + hex.EncodeToString([]byte(l.Text)) + `'::bytea`, nil
	case LitHex:
		if len(l.Text)%2 == 0 {
			return `'\x` + strings.ToLower(l.Text) + `'::bytea`, nil
		}
	}
	return "", fmt.Errorf("%s is not bytes", showLit(l))
}

// bitsLiteral writes a bit literal or a number as B'...' padded to the
// column's width, which PostgreSQL's bit(n) requires exactly.
func bitsLiteral(l Lit, width int) (string, error) {
	var digits string
	switch l.Kind {
	case LitBits:
		digits = strings.TrimLeft(l.Text, "0")
	case LitNumber:
		n, ok := new(big.Int).SetString(l.Text, 10)
		if !ok || n.Sign() < 0 {
			return "", fmt.Errorf("%s is not bits", showLit(l))
		}
		digits = strings.TrimLeft(n.Text(2), "0")
	default:
		return "", fmt.Errorf("%s is not bits", showLit(l))
	}
	if width > 0 && len(digits) > width {
		return "", fmt.Errorf("%s does not fit bit(%d)", showLit(l), width)
	}
	return "B'" + strings.Repeat("0", max(width-len(digits), 0)) + digits + "'", nil
}

// setLiteral writes a MySQL SET value ("a,b") as a text[] of its members.
func setLiteral(l Lit, members []string) (string, error) {
	if l.Kind != LitString {
		return "", fmt.Errorf("%s is not a set", showLit(l))
	}
	if l.Text == "" {
		return "'{}'::text[]", nil
	}
	var elems []string
	for _, m := range strings.Split(l.Text, ",") {
		if members != nil && !contains(members, m) {
			return "", fmt.Errorf("%q is not a member of the SET", m)
		}
		q, err := QuoteString(m)
		if err != nil {
			return "", err
		}
		elems = append(elems, q)
	}
	return "ARRAY[" + strings.Join(elems, ", ") + "]::text[]", nil
}

// showLit is how a literal is named in a reason.
func showLit(l Lit) string {
	switch l.Kind {
	case LitString:
		return "'" + strings.ReplaceAll(l.Text, "'", "''") + "'"
	case LitHex:
		return "x'" + l.Text + "'"
	case LitBits:
		return "b'" + l.Text + "'"
	}
	return l.Text
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
