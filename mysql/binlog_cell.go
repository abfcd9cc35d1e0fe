package mysql

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sluicedb/sluice"
)

// The column types of the binlog (MySQL's field types).
const (
	tDecimal    = 0
	tTiny       = 1
	tShort      = 2
	tLong       = 3
	tFloat      = 4
	tDouble     = 5
	tTimestamp  = 7
	tLongLong   = 8
	tInt24      = 9
	tDate       = 10
	tTime       = 11
	tDateTime   = 12
	tYear       = 13
	tNewDate    = 14
	tVarchar    = 15
	tBit        = 16
	tTimestamp2 = 17
	tDateTime2  = 18
	tTime2      = 19
	tJSON       = 245
	tNewDecimal = 246
	tEnum       = 247
	tSet        = 248
	tTinyBlob   = 249
	tMediumBlob = 250
	tLongBlob   = 251
	tBlob       = 252
	tVarString  = 253
	tString     = 254
	tGeometry   = 255
)

var errShort = errors.New("the value is cut short")

// decodeCell decodes one packed value of a ROWS event into the Go value a
// Read of the same row yields (source.go), and says how many bytes it
// took. Numbers, dates and times are first written as the server's text
// protocol writes them and then converted by the same code as a Read,
// so a copied and a streamed row can never differ; strings and bytes are
// the raw bytes, in the column's character set.
func decodeCell(data []byte, typ byte, meta uint16, col sluice.Type) (any, int, error) {
	v, n, err := cellValue(data, typ, meta, col)
	if err == nil && n > len(data) {
		err = errShort
	}
	return v, n, err
}

func cellValue(data []byte, typ byte, meta uint16, col sluice.Type) (any, int, error) {
	switch typ {
	case tTiny, tShort, tInt24, tLong, tLongLong:
		return integer(data, typ, col)
	case tFloat, tDouble:
		return float(data, typ, col)
	case tNewDecimal:
		return newDecimal(data, meta)
	case tYear:
		if len(data) < 1 {
			return nil, 1, errShort
		}
		if data[0] == 0 {
			return int64(0), 1, nil
		}
		return int64(data[0]) + 1900, 1, nil
	case tDate, tNewDate, tTime, tTime2, tDateTime, tDateTime2, tTimestamp, tTimestamp2:
		return temporal(data, typ, meta, col)
	case tVarchar, tVarString, tString:
		return stringCell(data, typ, meta, col)
	case tBit:
		n := int(meta>>8) + (int(meta&0xff)+7)/8
		if len(data) < n {
			return nil, n, errShort
		}
		return bytes.Clone(data[:n]), n, nil
	case tBlob, tTinyBlob, tMediumBlob, tLongBlob, tGeometry:
		return blob(data, meta, col)
	case tJSON:
		return nil, 0, errors.New("MySQL's binary JSON is not decoded: capture reads MariaDB, whose JSON is text")
	}
	return nil, 0, fmt.Errorf("binlog column type %d is not supported", typ)
}

func integer(data []byte, typ byte, col sluice.Type) (any, int, error) {
	size := map[byte]int{tTiny: 1, tShort: 2, tInt24: 3, tLong: 4, tLongLong: 8}[typ]
	if len(data) < size {
		return nil, size, errShort
	}
	var u uint64
	for i := size - 1; i >= 0; i-- {
		u = u<<8 | uint64(data[i])
	}
	if col.Unsigned {
		if u > math.MaxInt64 {
			return u, size, nil
		}
		return int64(u), size, nil
	}
	shift := 64 - 8*size
	return int64(u<<shift) >> shift, size, nil
}

// float: a FLOAT is its exact 32-bit value, widened (Read selects it as a
// DOUBLE, floatColumns); a DOUBLE is its value, or with declared decimals
// (DOUBLE(M,D)) the value the text protocol writes with that many, as Read
// reads it.
func float(data []byte, typ byte, col sluice.Type) (any, int, error) {
	if typ == tFloat {
		if len(data) < 4 {
			return nil, 4, errShort
		}
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(data))), 4, nil
	}
	if len(data) < 8 {
		return nil, 8, errShort
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(data))
	if col.Scale == 0 {
		return f, 8, nil
	}
	v, err := strconv.ParseFloat(strconv.FormatFloat(f, 'f', col.Scale, 64), 64)
	return v, 8, err
}

var digitBytes = [10]int{0, 1, 1, 2, 2, 3, 3, 4, 4, 4}

// newDecimal unpacks MySQL's binary DECIMAL: groups of nine digits in four
// big-endian bytes, a shorter group for the leftover digits at each end,
// the sign in the top bit (negative numbers have every bit inverted). The
// text has exactly the column's scale in decimals, as the server writes it.
func newDecimal(data []byte, meta uint16) (any, int, error) {
	precision, scale := int(meta>>8), int(meta&0xff)
	if precision > 65 || scale > precision {
		return nil, 0, fmt.Errorf("decimal(%d,%d) is not a decimal type", precision, scale)
	}
	intg := precision - scale
	size := intg/9*4 + digitBytes[intg%9] + scale/9*4 + digitBytes[scale%9]
	if len(data) < size || size == 0 {
		return nil, size, errShort
	}
	d := bytes.Clone(data[:size])
	negative := d[0]&0x80 == 0
	d[0] ^= 0x80
	if negative {
		for i := range d {
			d[i] ^= 0xff
		}
	}
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	pos := 0
	intText := decimalGroups(d, &pos, intg%9, intg/9, true)
	intText = strings.TrimLeft(intText, "0")
	if intText == "" {
		intText = "0"
	}
	b.WriteString(intText)
	if scale > 0 {
		b.WriteByte('.')
		b.WriteString(decimalGroups(d, &pos, scale%9, scale/9, false))
	}
	text := b.String()
	if text == "-0" || (negative && strings.Trim(text, "-0.") == "") {
		text = strings.TrimPrefix(text, "-") // the server never writes a negative zero
	}
	return text, size, nil
}

// decimalGroups reads the full groups and the leftover digits of one side
// of the point: the leftover comes first on the integer side, last on the
// fraction side.
func decimalGroups(d []byte, pos *int, leftover, groups int, leftoverFirst bool) string {
	var b strings.Builder
	readPart := func(digits int) {
		n := digitBytes[digits]
		var v uint64
		for _, c := range d[*pos : *pos+n] {
			v = v<<8 | uint64(c)
		}
		*pos += n
		fmt.Fprintf(&b, "%0*d", digits, v)
	}
	if leftoverFirst && leftover > 0 {
		readPart(leftover)
	}
	for range groups {
		readPart(9)
	}
	if !leftoverFirst && leftover > 0 {
		readPart(leftover)
	}
	return b.String()
}

// stringCell reads CHAR, VARCHAR, BINARY, VARBINARY, ENUM and SET. A
// CHAR column's metadata holds its real type (ENUM and SET hide there too)
// and its maximum length in bytes, which decides the length prefix.
func stringCell(data []byte, typ byte, meta uint16, col sluice.Type) (any, int, error) {
	maxLen := int(meta)
	if typ == tString {
		real, low := byte(meta>>8), int(meta&0xff)
		if real&0x30 != 0x30 { // a CHAR longer than 255 bytes keeps two length bits here
			maxLen, real = low|int((real&0x30)^0x30)<<4, real|0x30
		} else {
			maxLen = low
		}
		switch real {
		case tEnum:
			return enumCell(data, low, col)
		case tSet:
			return setCell(data, low, col)
		}
	}
	prefix := 1
	if maxLen > 255 {
		prefix = 2
	}
	if len(data) < prefix {
		return nil, prefix, errShort
	}
	n := int(data[0])
	if prefix == 2 {
		n = int(binary.LittleEndian.Uint16(data))
	}
	if len(data) < prefix+n {
		return nil, prefix + n, errShort
	}
	raw := data[prefix : prefix+n]
	return textOrBytes(raw, col), prefix + n, nil
}

// textOrBytes gives bytes for a binary column, padded with zero bytes to
// a BINARY(n)'s length as the server pads it (the binlog leaves the
// padding out), and the raw text for every other column.
func textOrBytes(raw []byte, col sluice.Type) any {
	if col.Kind != sluice.KindBytes && col.Kind != sluice.KindOther {
		return string(raw)
	}
	b := bytes.Clone(raw)
	if col.Fixed && len(b) < col.Length {
		b = append(b, make([]byte, col.Length-len(b))...)
	}
	return b
}

// enumCell: an ENUM is stored as its member's 1-based index, 0 for the
// empty string the server keeps for an invalid value.
func enumCell(data []byte, size int, col sluice.Type) (any, int, error) {
	if len(data) < size || size < 1 || size > 2 {
		return nil, size, errShort
	}
	idx := int(data[0])
	if size == 2 {
		idx = int(binary.LittleEndian.Uint16(data))
	}
	if idx == 0 {
		return "", size, nil
	}
	if idx > len(col.Values) {
		return nil, size, fmt.Errorf("enum index %d, but the column has %d members", idx, len(col.Values))
	}
	return col.Values[idx-1], size, nil
}

// setCell: a SET is a bitmap of its members, written as the members in
// their declared order, separated by commas.
func setCell(data []byte, size int, col sluice.Type) (any, int, error) {
	if len(data) < size || size < 1 || size > 8 {
		return nil, size, errShort
	}
	var bits uint64
	for i := size - 1; i >= 0; i-- {
		bits = bits<<8 | uint64(data[i])
	}
	var members []string
	for i, m := range col.Values {
		if bits&(1<<i) != 0 {
			members = append(members, m)
		}
	}
	if bits>>len(col.Values) != 0 {
		return nil, size, fmt.Errorf("set bits %b name members the column does not have", bits)
	}
	return strings.Join(members, ","), size, nil
}

// blob reads TEXT, BLOB, MariaDB's JSON (a LONGTEXT) and GEOMETRY, whose
// metadata is the size of the length prefix. A geometry is MySQL's
// storage of it: the SRID, then the well-known binary.
func blob(data []byte, meta uint16, col sluice.Type) (any, int, error) {
	prefix := int(meta)
	if prefix < 1 || prefix > 4 || len(data) < prefix {
		return nil, prefix, fmt.Errorf("a blob length of %d bytes: %w", prefix, errShort)
	}
	var n int
	for i := prefix - 1; i >= 0; i-- {
		n = n<<8 | int(data[i])
	}
	if len(data) < prefix+n {
		return nil, prefix + n, errShort
	}
	raw := data[prefix : prefix+n]
	if col.Kind == sluice.KindGeometry {
		if len(raw) < 4 {
			return nil, prefix + n, fmt.Errorf("a geometry of %d bytes", len(raw))
		}
		return sluice.Geometry{SRID: binary.LittleEndian.Uint32(raw), WKB: bytes.Clone(raw[4:])}, prefix + n, nil
	}
	return textOrBytes(raw, col), prefix + n, nil
}

// temporal writes a date or time as the text protocol does and converts
// it as a Read does.
func temporal(data []byte, typ byte, meta uint16, col sluice.Type) (any, int, error) {
	text, n, err := temporalText(data, typ, meta)
	if err != nil {
		return nil, n, err
	}
	v, err := convert(col, []byte(text))
	return v, n, err
}

func temporalText(data []byte, typ byte, meta uint16) (string, int, error) {
	fsp := int(meta)
	sizes := map[byte]int{tDate: 3, tNewDate: 3, tTime: 3, tDateTime: 8, tTimestamp: 4,
		tTime2: 3 + (fsp+1)/2, tDateTime2: 5 + (fsp+1)/2, tTimestamp2: 4 + (fsp+1)/2}
	n := sizes[typ]
	if len(data) < n {
		return "", n, errShort
	}
	switch typ {
	case tDate, tNewDate:
		v := uint32(data[0]) | uint32(data[1])<<8 | uint32(data[2])<<16
		return fmt.Sprintf("%04d-%02d-%02d", v>>9, v>>5&15, v&31), n, nil
	case tDateTime2:
		return dateTime2(data, fsp), n, nil
	case tTimestamp2:
		return timestamp2(data, fsp), n, nil
	case tTime2:
		return time2(data, fsp), n, nil
	case tTimestamp:
		return timestampText(int64(binary.LittleEndian.Uint32(data)), 0), n, nil
	case tDateTime:
		v := binary.LittleEndian.Uint64(data)
		d, t := v/1000000, v%1000000
		return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", d/10000, d/100%100, d%100, t/10000, t/100%100, t%100), n, nil
	}
	v := int32(uint32(data[0])|uint32(data[1])<<8|uint32(data[2])<<16) << 8 >> 8 // tTime: HHMMSS, a signed 24-bit number
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, v/10000, v/100%100, v%100), n, nil
}

// fractionPart reads the fractional seconds that follow a DATETIME2, TIME2 or
// TIMESTAMP2: (fsp+1)/2 big-endian bytes, in units of 10^-(2*bytes).
func fractionPart(b []byte, fsp int) (int64, int) {
	n := (fsp + 1) / 2
	var v int64
	for _, c := range b[:n] {
		v = v<<8 | int64(c)
	}
	return v, n
}

// fractionText writes v (in units of 10^-(2*n)) with fsp digits.
func fractionText(v int64, n, fsp int) string {
	if fsp == 0 {
		return ""
	}
	digits := fmt.Sprintf("%0*d", 2*n, v)
	return "." + digits[:fsp]
}

func dateTime2(data []byte, fsp int) string {
	var packed uint64
	for _, c := range data[:5] {
		packed = packed<<8 | uint64(c)
	}
	packed -= 0x8000000000
	ymd, hms := packed>>17, packed&(1<<17-1)
	ym := ymd >> 5
	frac, n := fractionPart(data[5:], fsp)
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d%s", ym/13, ym%13, ymd&31, hms>>12, hms>>6&63, hms&63, fractionText(frac, n, fsp))
}

func timestamp2(data []byte, fsp int) string {
	secs := int64(binary.BigEndian.Uint32(data))
	frac, n := fractionPart(data[4:], fsp)
	return timestampText(secs, frac) + fractionText(frac, n, fsp)
}

// timestampText writes a TIMESTAMP in UTC, as the copy's sessions
// (time_zone +00:00) read it; 0 is the zero date.
func timestampText(secs, frac int64) string {
	if secs == 0 && frac == 0 {
		return "0000-00-00 00:00:00"
	}
	return time.Unix(secs, 0).UTC().Format("2006-01-02 15:04:05")
}

// time2 unpacks a TIME2: a sign bit, then hours (10 bits), minutes and
// seconds (6 bits each), then the fraction; negative values are stored
// as their two's complement over the whole packed number.
func time2(data []byte, fsp int) string {
	n := (fsp + 1) / 2
	var packed int64
	for _, c := range data[:3+n] {
		packed = packed<<8 | int64(c)
	}
	packed -= int64(0x800000) << (8 * n)
	sign := ""
	if packed < 0 {
		sign, packed = "-", -packed
	}
	frac := packed & (1<<(8*n) - 1)
	hms := packed >> (8 * n)
	return fmt.Sprintf("%s%02d:%02d:%02d%s", sign, hms>>12&1023, hms>>6&63, hms&63, fractionText(frac, n, fsp))
}
