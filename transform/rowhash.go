package transform

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// rowHashVersion starts every encoding, so that a later encoding can never
// produce the hash of this one.
const rowHashVersion = "sluice row hash v1\x00"

// rowHash is the compiled content hash of a row: HashColumn of tables loaded
// with merge or append, which a rerun compares to skip unchanged rows.
//
// It is the first 16 bytes of the SHA-256 of rowHashVersion followed by
// every other target value of the row, in column order, each encoded as
//
//	tag (1 byte) | payload length (8 bytes, big-endian) | payload
//
// so that no two rows encode alike: ("ab", "c") and ("a", "bc") differ in
// their lengths, and NULL, "" and 0 in their tags. The payloads:
//
//	N  NULL                        empty
//	B  bool                        1 byte, 0 or 1
//	I  any signed integer          8 bytes, two's complement (a column's type is fixed, so widths need no tag)
//	U  unsigned integer            8 bytes
//	F  float64, R float32          IEEE 754 bits (every NaN as one)
//	S  text                        its bytes
//	X  bytea                       its bytes
//	T  date, timestamp(tz)         Unix seconds (8 bytes) and nanoseconds (4 bytes) in UTC
//	G  uuid                        16 bytes
//	D  numeric                     flags (1 byte: 1 NaN, 2 +Infinity, 3 -Infinity), exponent (4 bytes),
//	                               sign (1 byte: 0, 1 or 2 for -, 0, +), then the magnitude big-endian:
//	                               its exact digits and scale, so 12.50 and 12.5 differ as PostgreSQL
//	                               shows them
//	H  time of day                 microseconds (8 bytes)
//	V  interval                    months (4), days (4), microseconds (8)
//	Z  bit string                  length in bits (4), then its bytes
//	A  array                       dimensions (4 bytes), each length and lower bound (4 + 4),
//	                               then each element encoded as above
//	O  any other value             its Go type and %v text
type rowHash struct {
	cols []int  // the other columns, in order
	buf  []byte // reused from row to row
}

func (cc *compiler) rowHash(col *column) error {
	h := &rowHash{}
	for i := range cc.t.Columns {
		if cc.t.Columns[i].Role != col.role {
			h.cols = append(h.cols, i)
		}
	}
	col.hash = h
	return nil
}

// sum hashes the row's other values, which are all computed already.
func (h *rowHash) sum(dst []any) []byte {
	b := append(h.buf[:0], rowHashVersion...)
	for _, i := range h.cols {
		b = appendHashValue(b, dst[i])
	}
	h.buf = b
	s := sha256.Sum256(b)
	return append(make([]byte, 0, 16), s[:16]...)
}

// appendHashValue appends one tagged, length-prefixed value.
func appendHashValue(b []byte, v any) []byte {
	tag := hashTag(v)
	b = append(b, tag, 0, 0, 0, 0, 0, 0, 0, 0)
	start := len(b)
	b = appendPayload(b, tag, v)
	binary.BigEndian.PutUint64(b[start-8:start], uint64(len(b)-start))
	return b
}

func hashTag(v any) byte {
	switch x := v.(type) {
	case nil:
		return 'N'
	case bool:
		return 'B'
	case int64, int32, int16, int8, int:
		return 'I'
	case uint64, uint32, uint16, uint8, uint:
		return 'U'
	case float64:
		return 'F'
	case float32:
		return 'R'
	case string:
		return 'S'
	case []byte:
		return 'X'
	case time.Time:
		return 'T'
	case [16]byte, uuid.UUID:
		return 'G'
	case pgtype.Numeric:
		return validTag(x.Valid, 'D')
	}
	return pgTag(v)
}

func pgTag(v any) byte {
	switch x := v.(type) {
	case pgtype.Time:
		return validTag(x.Valid, 'H')
	case pgtype.Interval:
		return validTag(x.Valid, 'V')
	case pgtype.Bits:
		return validTag(x.Valid, 'Z')
	case pgtype.Array[any]:
		return validTag(x.Valid, 'A')
	}
	return 'O'
}

// validTag encodes pgtype's invalid values as NULL, which they are.
func validTag(valid bool, tag byte) byte {
	if valid {
		return tag
	}
	return 'N'
}

func appendPayload(b []byte, tag byte, v any) []byte {
	switch tag {
	case 'N':
		return b
	case 'B':
		return append(b, boolByte(v.(bool)))
	case 'I':
		i, _ := signed(v)
		return binary.BigEndian.AppendUint64(b, uint64(i))
	case 'U':
		return binary.BigEndian.AppendUint64(b, unsigned(v))
	case 'F':
		return binary.BigEndian.AppendUint64(b, floatBits(v.(float64)))
	case 'R':
		return binary.BigEndian.AppendUint32(b, math.Float32bits(canonicalNaN32(v.(float32))))
	}
	return appendBytesPayload(b, tag, v)
}

func appendBytesPayload(b []byte, tag byte, v any) []byte {
	switch tag {
	case 'S':
		return append(b, v.(string)...)
	case 'X':
		return append(b, v.([]byte)...)
	case 'T':
		u := v.(time.Time)
		return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(b, uint64(u.Unix())), uint32(u.Nanosecond()))
	case 'G':
		return appendUUID(b, v)
	case 'D':
		return appendNumeric(b, v.(pgtype.Numeric))
	}
	return appendPGPayload(b, tag, v)
}

func appendPGPayload(b []byte, tag byte, v any) []byte {
	switch tag {
	case 'H':
		return binary.BigEndian.AppendUint64(b, uint64(v.(pgtype.Time).Microseconds))
	case 'V':
		x := v.(pgtype.Interval)
		b = binary.BigEndian.AppendUint32(b, uint32(x.Months))
		b = binary.BigEndian.AppendUint32(b, uint32(x.Days))
		return binary.BigEndian.AppendUint64(b, uint64(x.Microseconds))
	case 'Z':
		x := v.(pgtype.Bits)
		return append(binary.BigEndian.AppendUint32(b, uint32(x.Len)), x.Bytes...)
	case 'A':
		return appendArray(b, v.(pgtype.Array[any]))
	}
	return fmt.Appendf(b, "%T\x00%v", v, v)
}

func appendUUID(b []byte, v any) []byte {
	if u, ok := v.(uuid.UUID); ok {
		return append(b, u[:]...)
	}
	u := v.([16]byte)
	return append(b, u[:]...)
}

func appendNumeric(b []byte, n pgtype.Numeric) []byte {
	flags := byte(0)
	switch {
	case n.NaN:
		flags = 1
	case n.InfinityModifier == pgtype.Infinity:
		flags = 2
	case n.InfinityModifier == pgtype.NegativeInfinity:
		flags = 3
	}
	b = binary.BigEndian.AppendUint32(append(b, flags), uint32(n.Exp))
	if n.Int == nil || flags != 0 {
		return append(b, 0)
	}
	b = append(b, byte(n.Int.Sign()+1))
	size := (n.Int.BitLen() + 7) / 8
	b = append(b, make([]byte, size)...) // the compiler grows b without allocating a slice
	n.Int.FillBytes(b[len(b)-size:])     // the magnitude, big-endian, whatever the word size
	return b
}

func appendArray(b []byte, a pgtype.Array[any]) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(a.Dims)))
	for _, d := range a.Dims {
		b = binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(b, uint32(d.Length)), uint32(d.LowerBound))
	}
	for _, e := range a.Elements {
		b = appendHashValue(b, e)
	}
	return b
}

func boolByte(x bool) byte {
	if x {
		return 1
	}
	return 0
}

func signed(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case int:
		return int64(x), true
	}
	return 0, false
}

func unsigned(v any) uint64 {
	switch x := v.(type) {
	case uint64:
		return x
	case uint32:
		return uint64(x)
	case uint16:
		return uint64(x)
	case uint8:
		return uint64(x)
	case uint:
		return uint64(x)
	}
	return 0
}

func floatBits(f float64) uint64 {
	if math.IsNaN(f) {
		return math.Float64bits(math.NaN())
	}
	return math.Float64bits(f)
}

func canonicalNaN32(f float32) float32 {
	if f != f {
		return float32(math.NaN())
	}
	return f
}
