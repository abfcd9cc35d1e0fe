package tds

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// convert turns v, of type from, into type to, as CAST does. strict
// refuses what an INSERT refuses (a string or binary value longer than its
// column) where CAST would cut it.
func convert(v any, from, to ColType, strict bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	if x, ok := v.(Variant); ok && to.family() != famVariant {
		return convert(x.Value, x.Type, to, strict)
	}
	out, err := convertTo(v, from, to, strict)
	if err != nil {
		return nil, fmt.Errorf("conversion of %s to %s: %w", from, to, err)
	}
	return out, nil
}

func convertTo(v any, from, to ColType, strict bool) (any, error) {
	switch to.family() {
	case famInt:
		return toInt(v, from, to)
	case famBit:
		return toBit(v, from)
	case famDecimal, famMoney:
		return toDecimal(v, from, to)
	case famFloat:
		return toFloat(v, from, to)
	case famChar, famText:
		return toChars(v, from, to, strict)
	case famNChar, famNText, famXML:
		return toNChars(v, from, to, strict)
	case famBinary, famImage:
		return toBinary(v, from, to, strict)
	case famDate, famDateTime, famDateTime2, famDateTimeOffset, famTime:
		return toTime(v, from, to)
	case famGUID:
		return toGUID(v, from)
	case famUDT:
		return toUDT(v, from, to)
	case famVariant:
		return Variant{Type: from, Value: v}, nil
	}
	return nil, fmt.Errorf("not supported")
}

// intRange is the range of an integer type.
func intRange(name string) (int64, int64) {
	switch name {
	case "tinyint":
		return 0, 255
	case "smallint":
		return math.MinInt16, math.MaxInt16
	case "int":
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

func toInt(v any, from, to ColType) (any, error) {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case bool:
		if x {
			n = 1
		}
	case Decimal:
		q := new(big.Int).Quo(x.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil))
		if !q.IsInt64() {
			return nil, fmt.Errorf("arithmetic overflow")
		}
		n = q.Int64()
	case float64:
		if x >= math.MaxInt64 || x < math.MinInt64 {
			return nil, fmt.Errorf("arithmetic overflow")
		}
		n = int64(x)
	case []byte:
		size := to.sys().maxLength
		buf := make([]byte, 8)
		if len(x) > size {
			x = x[len(x)-size:]
		}
		copy(buf[8-len(x):], x)
		n = int64(binary.BigEndian.Uint64(buf))
		if size < 8 && n >= 1<<(8*size-1) && to.Name != "tinyint" {
			n -= 1 << (8 * size)
		}
	case string:
		var err error
		if n, err = strconv.ParseInt(strings.TrimSpace(valueText(x, from)), 10, 64); err != nil {
			return nil, fmt.Errorf("%q is not an integer", valueText(x, from))
		}
	default:
		return nil, fmt.Errorf("not supported")
	}
	if lo, hi := intRange(to.Name); n < lo || n > hi {
		return nil, fmt.Errorf("arithmetic overflow: %d", n)
	}
	return n, nil
}

func toBit(v any, from ColType) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	case Decimal:
		return x.Unscaled.Sign() != 0, nil
	case float64:
		return x != 0, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(valueText(x, from))) {
		case "1", "true":
			return true, nil
		case "0", "false":
			return false, nil
		}
	}
	return nil, fmt.Errorf("not a bit value")
}

func toDecimal(v any, from, to ColType) (any, error) {
	var r *big.Rat
	switch x := v.(type) {
	case int64:
		r = new(big.Rat).SetInt64(x)
	case bool:
		r = new(big.Rat)
		if x {
			r.SetInt64(1)
		}
	case Decimal:
		r = x.Rat()
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("not a number")
		}
		r = new(big.Rat).SetFloat64(x)
	case string:
		var err error
		if r, err = parseDecimal(valueText(x, from)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("not supported")
	}
	prec, scale := to.PrecisionScale()
	d := decimalFromRat(r, scale)
	if d.intDigits() > prec-scale {
		return nil, fmt.Errorf("arithmetic overflow: %s does not fit %s", d, to)
	}
	return d, nil
}

func toFloat(v any, from, to ColType) (any, error) {
	var f float64
	switch x := v.(type) {
	case int64:
		f = float64(x)
	case bool:
		if x {
			f = 1
		}
	case Decimal:
		f, _ = x.Rat().Float64()
	case float64:
		f = x
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(valueText(x, from)), 64); err != nil {
			return nil, fmt.Errorf("%q is not a number", valueText(x, from))
		}
	default:
		return nil, fmt.Errorf("not supported")
	}
	if to.Name == "real" {
		f = float64(float32(f))
	}
	return f, nil
}

// toChars converts to char, varchar or text: code-page bytes. A character
// the code page lacks becomes '?', as SQL Server does.
func toChars(v any, from, to ColType, strict bool) (any, error) {
	var raw string
	switch x := v.(type) {
	case string:
		if f := from.family(); (f == famChar || f == famText) && sameCodePage(from, to) {
			raw = x
		} else {
			raw = encodeCodePage(valueText(x, from), to.Collation)
		}
	case []byte:
		raw = string(x)
	default:
		raw = encodeCodePage(valueText(v, from), to.Collation)
	}
	return fitChars(raw, len(raw), to, strict, " ")
}

func sameCodePage(a, b ColType) bool {
	return a.Collation == nil || b.Collation == nil || a.Collation.CodePage == b.Collation.CodePage
}

// fitChars pads a fixed-length value and cuts (CAST) or refuses (INSERT)
// one longer than its type. size is the value's length in the type's units.
func fitChars(s string, size int, to ColType, strict bool, pad string) (string, error) {
	if to.Length <= 0 || to.family() == famText || to.family() == famNText {
		return s, nil
	}
	if size > to.Length {
		if strict {
			return "", fmt.Errorf("string or binary data would be truncated (%d > %d)", size, to.Length)
		}
		if to.family() == famNChar {
			return string([]rune(s)[:to.Length]), nil
		}
		return s[:to.Length], nil
	}
	if to.Name == "nchar" || to.Name == "char" {
		s += strings.Repeat(pad, to.Length-size)
	}
	return s, nil
}

func toNChars(v any, from, to ColType, strict bool) (any, error) {
	var s string
	switch x := v.(type) {
	case []byte:
		u := make([]uint16, len(x)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(x[2*i:])
		}
		s = string(utf16.Decode(u))
	default:
		s = valueText(v, from)
	}
	if to.family() == famXML {
		return s, nil
	}
	return fitChars(s, len(utf16.Encode([]rune(s))), to, strict, " ")
}

func toBinary(v any, from, to ColType, strict bool) (any, error) {
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case string:
		if f := from.family(); f == famNChar || f == famNText || f == famXML {
			b = utf16Bytes(x)
		} else {
			b = []byte(x)
		}
	default:
		var err error
		if b, err = binaryForm(v, from); err != nil {
			return nil, err
		}
	}
	s, err := fitChars(string(b), len(b), to, strict, "\x00")
	if to.Name == "binary" && len(s) < to.Length {
		s += strings.Repeat("\x00", to.Length-len(s))
	}
	return []byte(s), err
}

// binaryForm is CAST(v AS varbinary(max)) of a number, date, guid or CLR
// value: the big-endian integer, SQL Server's storage form otherwise.
func binaryForm(v any, from ColType) ([]byte, error) {
	switch x := v.(type) {
	case int64:
		size := from.sys().maxLength
		b := binary.BigEndian.AppendUint64(nil, uint64(x))
		return b[8-size:], nil
	case bool:
		if x {
			return []byte{1}, nil
		}
		return []byte{0}, nil
	case float64:
		return binary.BigEndian.AppendUint64(nil, math.Float64bits(x)), nil
	case GUID:
		return x.wire(), nil
	case UDT:
		if x.Bytes != nil {
			return x.Bytes, nil
		}
		return utf16Bytes(fmt.Sprintf("%d;%s", x.SRID, x.Text)), nil
	}
	b, err := appendValue(nil, from, v)
	if err != nil {
		return nil, err
	}
	return append([]byte{byte(from.Precision), byte(from.Scale)}, b...), nil
}

func utf16Bytes(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func toTime(v any, from, to ColType) (any, error) {
	var t time.Time
	hasZone := false
	switch x := v.(type) {
	case time.Time:
		t, hasZone = x, from.family() == famDateTimeOffset
	case time.Duration:
		t = sqlEpoch.Add(x)
	case string:
		var err error
		if t, hasZone, err = parseDateTime(valueText(x, from)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("not supported")
	}
	return shapeTime(t, hasZone, to)
}

// shapeTime fits a time to the type: a datetimeoffset keeps its instant and
// offset; the other types keep the local date and time of day, dropping any
// offset, and round the time to their precision.
func shapeTime(t time.Time, hasZone bool, to ColType) (any, error) {
	if to.family() == famDateTimeOffset {
		d := roundDuration(sinceMidnight(t), to.Scale)
		return midnightIn(t).Add(d), nil
	}
	local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	day, clock := midnight(local), sinceMidnight(local)
	switch to.Name {
	case "date":
		return day, nil
	case "time":
		return roundDuration(clock, to.Scale) % (24 * time.Hour), nil
	case "datetime":
		if local.Year() < 1753 {
			return nil, fmt.Errorf("datetime before 1753")
		}
		return day.Add(ticksDuration(datetimeTicks(clock))), nil
	case "smalldatetime":
		return day.Add((clock + 30*time.Second) / time.Minute * time.Minute), nil
	}
	return day.Add(roundDuration(clock, to.Scale)), nil
}

func midnightIn(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func toGUID(v any, from ColType) (any, error) {
	switch x := v.(type) {
	case GUID:
		return x, nil
	case []byte:
		if len(x) != 16 {
			return nil, fmt.Errorf("%d bytes, want 16", len(x))
		}
		return guidFromWire(x), nil
	case string:
		return ParseGUID(valueText(x, from))
	}
	return nil, fmt.Errorf("not supported")
}

func toUDT(v any, from, to ColType) (any, error) {
	switch x := v.(type) {
	case UDT:
		return x, nil
	case string:
		u := UDT{Type: to.Name, Text: valueText(x, from)}
		if to.Name == "geography" {
			u.SRID = 4326
		}
		return u, nil
	}
	return nil, fmt.Errorf("not supported")
}
