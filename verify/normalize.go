package verify

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/spatial"
)

// normalizer returns how the binary form of a type is made canonical, or nil
// when equal values always have equal bytes.
func normalizer(oid uint32) func(dst, src []byte) []byte {
	switch oid {
	case pgtype.NumericOID:
		return normNumeric
	case pgtype.JSONBOID:
		return normJSONB
	case pgtype.BPCharOID:
		return trimPadding
	case spatialOID:
		return normGeometry
	}
	return nil
}

// spatialOID marks a PostGIS column, read as EWKB: PostGIS's types have no
// fixed OID, and no real type has this one.
const spatialOID = 0xFFFFFF01

// spatialColumn reports a target column of a PostGIS type.
func spatialColumn(c plan.Column) bool {
	t := strings.ToLower(strings.TrimSpace(c.Type))
	return strings.HasPrefix(t, "geometry") || strings.HasPrefix(t, "geography")
}

// normGeometry writes a geometry's EWKB canonically (little-endian, Z and M
// as flags, the SRID only when not 0), whatever form either side holds, so
// that equal geometries compare equal and any other difference is found.
func normGeometry(dst, src []byte) []byte {
	g, err := spatial.DecodeWKB(src)
	if err != nil {
		return append(dst, src...)
	}
	return append(dst, g.EWKB()...)
}

// Signs of numeric's binary form; the others are NaN and the infinities.
const (
	numericPos = 0x0000
	numericNeg = 0x4000
)

// normNumeric drops what a numeric's binary form carries beyond its value:
// the display scale (12.5 and 12.50 are equal; numeric(10,2) stores the
// latter) and leading or trailing zero digit groups.
func normNumeric(dst, src []byte) []byte {
	if len(src) < 8 {
		return append(dst, src...)
	}
	n := int(binary.BigEndian.Uint16(src))
	weight := int16(binary.BigEndian.Uint16(src[2:]))
	sign := binary.BigEndian.Uint16(src[4:])
	if len(src) < 8+2*n {
		return append(dst, src...)
	}
	digits := src[8 : 8+2*n]
	for len(digits) >= 2 && digits[0] == 0 && digits[1] == 0 {
		digits, weight = digits[2:], weight-1
	}
	for len(digits) >= 2 && digits[len(digits)-2] == 0 && digits[len(digits)-1] == 0 {
		digits = digits[:len(digits)-2]
	}
	if len(digits) == 0 && (sign == numericPos || sign == numericNeg) {
		weight, sign = 0, 0 // zero, and negative zero
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(digits)/2))
	dst = binary.BigEndian.AppendUint16(dst, uint16(weight))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, 0)
	return append(dst, digits...)
}

// normJSONB rewrites jsonb's text the way PostgreSQL stores it, whatever
// form the source text had: keys sorted and unique (the last one wins),
// no insignificant space, numbers in a canonical decimal form.
func normJSONB(dst, src []byte) []byte {
	if len(src) == 0 || src[0] != 1 {
		return append(dst, src...)
	}
	canon, ok := canonJSON(src[1:])
	if !ok {
		return append(dst, src...)
	}
	return append(append(dst, 1), canon...)
}

func canonJSON(text []byte) ([]byte, bool) {
	d := json.NewDecoder(bytes.NewReader(text))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	var out bytes.Buffer
	e := json.NewEncoder(&out)
	e.SetEscapeHTML(false)
	if err := e.Encode(canonNumbers(v)); err != nil {
		return nil, false
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), true
}

// canonNumbers rewrites every number of a decoded JSON value canonically.
func canonNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		return json.Number(canonDecimal(string(x)))
	case map[string]any:
		for k, e := range x {
			x[k] = canonNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = canonNumbers(e)
		}
	}
	return v
}

// canonDecimal writes a JSON number without leading or trailing zeros and
// without an exponent where a plain decimal is short: 1.50, 15e-1 and 1.5E0
// all become 1.5.
func canonDecimal(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		exp = atoiSafe(s[i+1:])
	}
	digits := mant
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		digits = mant[:i] + mant[i+1:]
		exp -= len(mant) - i - 1
	}
	trimmed := strings.TrimLeft(digits, "0")
	for strings.HasSuffix(trimmed, "0") {
		trimmed, exp = trimmed[:len(trimmed)-1], exp+1
	}
	if trimmed == "" {
		return "0"
	}
	return signed(neg, placeDecimal(trimmed, exp))
}

// placeDecimal writes digits × 10^exp.
func placeDecimal(digits string, exp int) string {
	switch {
	case exp >= 0 && exp <= 20:
		return digits + strings.Repeat("0", exp)
	case exp < 0 && -exp < len(digits):
		return digits[:len(digits)+exp] + "." + digits[len(digits)+exp:]
	case exp < 0 && -exp-len(digits) <= 20:
		return "0." + strings.Repeat("0", -exp-len(digits)) + digits
	}
	return digits + "e" + strconv.Itoa(exp)
}

func signed(neg bool, s string) string {
	if neg {
		return "-" + s
	}
	return s
}

// trimPadding drops the spaces character(n) pads with: PostgreSQL compares
// character values without them, and the source may not have them.
func trimPadding(dst, src []byte) []byte {
	return append(dst, bytes.TrimRight(src, " ")...)
}

// atoiSafe parses an exponent; what JSON validation let through always parses,
// and an absurd exponent saturates rather than wraps.
func atoiSafe(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		if len(s) > 0 && s[0] == '-' {
			return -1 << 30
		}
		return 1 << 30
	}
	return n
}
