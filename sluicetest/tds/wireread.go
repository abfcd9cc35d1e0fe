package tds

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"
	"unicode/utf16"
)

// reader reads the little-endian fields of a client message; the first
// short read sets err and every later read returns zeros.
type reader struct {
	b   []byte
	err error
}

var errShort = errors.New("message ends early")

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || len(r.b) < n {
		r.err = errShort
		return make([]byte, max(n, 0))
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) byte() byte        { return r.bytes(1)[0] }
func (r *reader) u16() uint16       { return binary.LittleEndian.Uint16(r.bytes(2)) }
func (r *reader) u32() uint32       { return binary.LittleEndian.Uint32(r.bytes(4)) }
func (r *reader) u64() uint64       { return binary.LittleEndian.Uint64(r.bytes(8)) }
func (r *reader) ucs2(n int) string { return decodeUCS2(r.bytes(2 * n)) }

// bVarChar reads a B_VARCHAR (byte count of UTF-16 units).
func (r *reader) bVarChar() string { return r.ucs2(int(r.byte())) }

func decodeUCS2(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// paramType is a parameter's TYPE_INFO as a client sent it.
type paramType struct {
	tag       byte
	size      int // length field; 0xFFFF for PLP
	precision int
	scale     int
	collation []byte
}

// readTypeInfo reads the TYPE_INFO of an RPC parameter.
func (r *reader) readTypeInfo() paramType {
	pt := paramType{tag: r.byte()}
	switch pt.tag {
	case tagNull:
	case tagIntN, tagBitN, tagFltN, tagMoneyN, tagDateTimN, tagGUID:
		pt.size = int(r.byte())
	case tagDecimalN, tagNumericN:
		pt.size = int(r.byte())
		pt.precision, pt.scale = int(r.byte()), int(r.byte())
	case tagDateN:
	case tagTimeN, tagDateTime2N, tagDateTimeOffset:
		pt.scale = int(r.byte())
	case tagBigVarChar, tagBigChar, tagNVarChar, tagNChar:
		pt.size = int(r.u16())
		pt.collation = r.bytes(5)
	case tagBigVarBinary, tagBigBinary:
		pt.size = int(r.u16())
	case tagInt1, tagBit, tagInt2, tagInt4, tagInt8, tagFlt4, tagFlt8, tagDateTime, tagDateTim4, tagMoney, tagMoney4:
		pt.size = fixedSizes[pt.tag]
	default:
		r.err = fmt.Errorf("parameter type 0x%02X is not supported by the test server", pt.tag)
	}
	return pt
}

var fixedSizes = map[byte]int{tagInt1: 1, tagBit: 1, tagInt2: 2, tagInt4: 4, tagInt8: 8,
	tagFlt4: 4, tagFlt8: 8, tagDateTime: 8, tagDateTim4: 4, tagMoney: 8, tagMoney4: 4}

// readParamValue reads a parameter's value and returns it with its type.
func (r *reader) readParamValue(pt paramType) (ColType, any) {
	data, null := r.valueData(pt)
	if r.err != nil {
		return ColType{}, nil
	}
	t := pt.colType()
	if null {
		return t, nil
	}
	if !dataFits(pt, len(data)) {
		r.err = fmt.Errorf("parameter of type 0x%02X with %d bytes of data", pt.tag, len(data))
		return ColType{}, nil
	}
	v, err := decodeData(t, data)
	if err != nil {
		r.err = err
	}
	return t, v
}

// valueData reads the length-prefixed (or PLP) data of a value.
func (r *reader) valueData(pt paramType) ([]byte, bool) {
	switch pt.tag {
	case tagNull:
		return nil, true
	case tagBigVarChar, tagBigChar, tagNVarChar, tagNChar, tagBigVarBinary, tagBigBinary:
		if pt.size == 0xFFFF {
			return r.plp()
		}
		n := r.u16()
		if n == 0xFFFF {
			return nil, true
		}
		return r.bytes(int(n)), false
	}
	if size, ok := fixedSizes[pt.tag]; ok {
		return r.bytes(size), false
	}
	n := int(r.byte())
	return r.bytes(n), n == 0
}

func (r *reader) plp() ([]byte, bool) {
	total := r.u64()
	if total == math.MaxUint64 {
		return nil, true
	}
	var out []byte
	for r.err == nil {
		n := r.u32()
		if n == 0 {
			break
		}
		out = append(out, r.bytes(int(n))...)
	}
	if out == nil {
		out = []byte{}
	}
	return out, false
}

// dataFits checks a value's length against its type, so that a malformed
// message is an error, never a slice out of range.
func dataFits(pt paramType, n int) bool {
	switch pt.tag {
	case tagIntN, tagInt1, tagInt2, tagInt4, tagInt8:
		return n == 1 || n == 2 || n == 4 || n == 8
	case tagBitN, tagBit:
		return n == 1
	case tagFltN, tagFlt4, tagFlt8, tagMoneyN, tagMoney, tagMoney4, tagDateTimN, tagDateTime, tagDateTim4:
		return n == 4 || n == 8
	case tagGUID:
		return n == 16
	case tagDecimalN, tagNumericN:
		return n >= 2 && n <= 17 && pt.scale <= 38
	case tagDateN:
		return n == 3
	case tagTimeN:
		return pt.scale <= 7 && n == timeBytes(pt.scale)
	case tagDateTime2N:
		return pt.scale <= 7 && n == timeBytes(pt.scale)+3
	case tagDateTimeOffset:
		return pt.scale <= 7 && n == timeBytes(pt.scale)+5
	case tagNVarChar, tagNChar:
		return n%2 == 0
	}
	return true
}

// colType maps a parameter's TDS type to the SQL type it stands for.
func (pt paramType) colType() ColType {
	var coll *Collation
	if pt.collation != nil {
		coll = collationFromWire(pt.collation)
	}
	name, length := paramTypeName(pt)
	t, _ := MakeType(name, nil, coll)
	t.Length, t.Precision, t.Scale = length, pt.precision, pt.scale
	return t
}

func paramTypeName(pt paramType) (string, int) {
	length := pt.size
	if length == 0xFFFF {
		length = Max
	}
	switch pt.tag {
	case tagNVarChar, tagNChar:
		if length != Max {
			length /= 2
		}
		return "nvarchar", length
	case tagBigVarChar, tagBigChar:
		return "varchar", length
	case tagBigVarBinary, tagBigBinary:
		return "varbinary", length
	case tagIntN, tagInt1, tagInt2, tagInt4, tagInt8:
		return map[int]string{1: "tinyint", 2: "smallint", 4: "int", 8: "bigint"}[pt.size], 0
	case tagFltN, tagFlt4, tagFlt8:
		return map[int]string{4: "real", 8: "float"}[pt.size], 0
	case tagMoneyN, tagMoney, tagMoney4:
		return map[int]string{4: "smallmoney", 8: "money"}[pt.size], 0
	case tagDateTimN, tagDateTime, tagDateTim4:
		return map[int]string{4: "smalldatetime", 8: "datetime"}[pt.size], 0
	}
	return map[byte]string{tagNull: "int", tagBitN: "bit", tagBit: "bit", tagGUID: "uniqueidentifier",
		tagDecimalN: "decimal", tagNumericN: "numeric", tagDateN: "date", tagTimeN: "time",
		tagDateTime2N: "datetime2", tagDateTimeOffset: "datetimeoffset"}[pt.tag], 0
}

func collationFromWire(b []byte) *Collation {
	w := binary.LittleEndian.Uint32(b)
	for _, c := range collations {
		if c.LCID == w&0xFFFFF && c.SortID == b[4] {
			return c
		}
	}
	return DefaultCollation
}

// decodeData turns wire data into the Go form of values of type t.
func decodeData(t ColType, d []byte) (any, error) {
	switch t.family() {
	case famInt:
		buf := make([]byte, 8)
		copy(buf, d)
		n := int64(binary.LittleEndian.Uint64(buf))
		if len(d) < 8 && t.Name != "tinyint" && d[len(d)-1]&0x80 != 0 {
			n -= 1 << (8 * len(d))
		}
		return n, nil
	case famBit:
		return d[0] != 0, nil
	case famFloat:
		if len(d) == 4 {
			return float64(math.Float32frombits(binary.LittleEndian.Uint32(d))), nil
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(d)), nil
	case famDecimal:
		return decodeDecimal(t, d), nil
	case famMoney:
		return decodeMoney(d), nil
	case famChar:
		return string(d), nil
	case famNChar:
		return decodeUCS2(d), nil
	case famBinary:
		return append([]byte{}, d...), nil
	case famGUID:
		return guidFromWire(d), nil
	}
	return decodeTime(t, d)
}

func decodeDecimal(t ColType, d []byte) Decimal {
	mag := make([]byte, len(d)-1)
	for i := range mag {
		mag[i] = d[len(d)-1-i]
	}
	n := new(big.Int).SetBytes(mag)
	if d[0] == 0 {
		n.Neg(n)
	}
	return Decimal{Unscaled: n, Scale: t.Scale}
}

func decodeMoney(d []byte) Decimal {
	var n int64
	if len(d) == 4 {
		n = int64(int32(binary.LittleEndian.Uint32(d)))
	} else {
		n = int64(uint64(binary.LittleEndian.Uint32(d))<<32 | uint64(binary.LittleEndian.Uint32(d[4:])))
	}
	return Decimal{Unscaled: big.NewInt(n), Scale: 4}
}

func decodeTime(t ColType, d []byte) (any, error) {
	days := func(b []byte) time.Time {
		return dateEpoch.AddDate(0, 0, int(uint32(b[0])|uint32(b[1])<<8|uint32(b[2])<<16))
	}
	clock := func(b []byte) time.Duration {
		buf := make([]byte, 8)
		copy(buf, b)
		units := time.Duration(binary.LittleEndian.Uint64(buf))
		for i := t.Scale; i < 9; i++ {
			units *= 10
		}
		return units
	}
	tl := timeBytes(t.Scale)
	switch t.Name {
	case "date":
		return days(d), nil
	case "time":
		return clock(d), nil
	case "datetime2":
		return days(d[tl:]).Add(clock(d[:tl])), nil
	case "datetimeoffset":
		off := int(int16(binary.LittleEndian.Uint16(d[tl+3:])))
		return days(d[tl:]).Add(clock(d[:tl])).In(time.FixedZone("", off*60)), nil
	case "datetime":
		day := sqlEpoch.AddDate(0, 0, int(int32(binary.LittleEndian.Uint32(d))))
		return day.Add(ticksDuration(int64(binary.LittleEndian.Uint32(d[4:])))), nil
	case "smalldatetime":
		day := sqlEpoch.AddDate(0, 0, int(binary.LittleEndian.Uint16(d)))
		return day.Add(time.Duration(binary.LittleEndian.Uint16(d[2:])) * time.Minute), nil
	}
	return nil, fmt.Errorf("cannot decode a %s parameter", t)
}
