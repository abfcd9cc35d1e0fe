package tds

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"time"
)

// TDS data type tags (MS-TDS 2.2.5.4).
const (
	tagNull           = 0x1F
	tagInt1           = 0x30
	tagBit            = 0x32
	tagInt2           = 0x34
	tagInt4           = 0x38
	tagDateTim4       = 0x3A
	tagFlt4           = 0x3B
	tagMoney          = 0x3C
	tagDateTime       = 0x3D
	tagFlt8           = 0x3E
	tagMoney4         = 0x7A
	tagInt8           = 0x7F
	tagGUID           = 0x24
	tagIntN           = 0x26
	tagBitN           = 0x68
	tagDecimalN       = 0x6A
	tagNumericN       = 0x6C
	tagFltN           = 0x6D
	tagMoneyN         = 0x6E
	tagDateTimN       = 0x6F
	tagDateN          = 0x28
	tagTimeN          = 0x29
	tagDateTime2N     = 0x2A
	tagDateTimeOffset = 0x2B
	tagBigVarBinary   = 0xA5
	tagBigVarChar     = 0xA7
	tagBigBinary      = 0xAD
	tagBigChar        = 0xAF
	tagNVarChar       = 0xE7
	tagNChar          = 0xEF
	tagXML            = 0xF1
	tagUDT            = 0xF0
	tagText           = 0x23
	tagImage          = 0x22
	tagNText          = 0x63
	tagVariant        = 0x62
)

// tag is the TDS type a column of this type is sent as: the nullable
// (length-prefixed) form of each fixed type.
func (t ColType) tag() byte {
	switch t.Name {
	case "decimal":
		return tagDecimalN
	case "numeric":
		return tagNumericN
	case "char":
		return tagBigChar
	case "varchar":
		return tagBigVarChar
	case "nchar":
		return tagNChar
	case "nvarchar", "sysname":
		return tagNVarChar
	case "binary", "timestamp":
		return tagBigBinary
	case "varbinary":
		return tagBigVarBinary
	}
	return familyTags[t.family()]
}

var familyTags = map[typeFamily]byte{
	famInt: tagIntN, famBit: tagBitN, famMoney: tagMoneyN, famFloat: tagFltN,
	famText: tagText, famNText: tagNText, famImage: tagImage, famDate: tagDateN,
	famTime: tagTimeN, famDateTime: tagDateTimN, famDateTime2: tagDateTime2N,
	famDateTimeOffset: tagDateTimeOffset, famGUID: tagGUID, famXML: tagXML,
	famUDT: tagUDT, famVariant: tagVariant,
}

// appendTypeInfo writes TYPE_INFO (MS-TDS 2.2.5.6) for a result column;
// db names the database of a UDT's type.
func appendTypeInfo(b []byte, t ColType, db string) []byte {
	b = append(b, t.tag())
	switch t.family() {
	case famInt, famBit, famMoney, famFloat, famDateTime, famGUID:
		return append(b, byte(t.sys().maxLength))
	case famDecimal:
		return append(b, byte(decimalBytes(t.Precision)), byte(t.Precision), byte(t.Scale))
	case famTime, famDateTime2, famDateTimeOffset:
		return append(b, byte(t.Scale))
	case famDate:
		return b
	case famChar, famNChar:
		b = binary.LittleEndian.AppendUint16(b, shortMaxLength(t))
		return append(b, collationOf(t).Wire()...)
	case famBinary:
		return binary.LittleEndian.AppendUint16(b, shortMaxLength(t))
	case famText, famNText:
		b = binary.LittleEndian.AppendUint32(b, 0x7FFFFFFF)
		return append(b, collationOf(t).Wire()...)
	case famImage:
		return binary.LittleEndian.AppendUint32(b, 0x7FFFFFFF)
	case famXML:
		return append(b, 0) // no schema
	case famUDT:
		return appendUDTInfo(b, t, db)
	case famVariant:
		return binary.LittleEndian.AppendUint32(b, 8016)
	}
	panic(fmt.Sprintf("tds: no TYPE_INFO for %s", t))
}

func collationOf(t ColType) *Collation {
	if t.Collation != nil {
		return t.Collation
	}
	return DefaultCollation
}

// shortMaxLength is the USHORT maximum length: bytes, or 0xFFFF for (max).
func shortMaxLength(t ColType) uint16 {
	if t.Length == Max {
		return 0xFFFF
	}
	return uint16(t.MaxLength())
}

func appendUDTInfo(b []byte, t ColType, db string) []byte {
	size := uint16(0xFFFF)
	if t.Name == "hierarchyid" {
		size = 892
	}
	b = binary.LittleEndian.AppendUint16(b, size)
	b = appendBVarChar(b, db)
	b = appendBVarChar(b, "sys")
	b = appendBVarChar(b, t.Name)
	asm := "Microsoft.SqlServer.Types.Sql" + map[string]string{"hierarchyid": "HierarchyId", "geometry": "Geometry", "geography": "Geography"}[t.Name] +
		", Microsoft.SqlServer.Types, Version=11.0.0.0, Culture=neutral, PublicKeyToken=89845dcd8080cc91"
	return appendUSVarChar(b, asm)
}

// appendValue writes one value of a ROW (MS-TDS 2.2.7.19) for a column of
// type t: its length prefix (or PLP chunks, or text pointer) and data.
func appendValue(b []byte, t ColType, v any) ([]byte, error) {
	if t.IsMax() || t.family() == famUDT {
		return appendPLP(b, t, v)
	}
	switch t.family() {
	case famText, famNText, famImage:
		return appendTextPtrValue(b, t, v)
	case famChar, famNChar, famBinary:
		return appendShortValue(b, t, v)
	case famVariant:
		return appendVariant(b, v)
	}
	if v == nil {
		return append(b, 0), nil
	}
	data, err := fixedData(t, v)
	if err != nil {
		return nil, err
	}
	return append(append(b, byte(len(data))), data...), nil
}

// fixedData is the data of a value of a fixed-size type, without length.
func fixedData(t ColType, v any) ([]byte, error) {
	switch x := v.(type) {
	case int64:
		return binary.LittleEndian.AppendUint64(nil, uint64(x))[:t.sys().maxLength], nil
	case bool:
		if x {
			return []byte{1}, nil
		}
		return []byte{0}, nil
	case float64:
		if t.Name == "real" {
			return binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(x))), nil
		}
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(x)), nil
	case Decimal:
		return decimalData(t, x)
	case GUID:
		return x.wire(), nil
	case time.Time:
		return timeData(t, x), nil
	case time.Duration:
		return timeOfDay(x, t.Scale), nil
	}
	return nil, fmt.Errorf("value %T for a %s column", v, t)
}

func decimalData(t ColType, d Decimal) ([]byte, error) {
	if t.family() == famMoney {
		d = decimalFromRat(d.Rat(), 4)
		n := d.Unscaled.Int64()
		if t.Name == "smallmoney" {
			return binary.LittleEndian.AppendUint32(nil, uint32(int32(n))), nil
		}
		b := binary.LittleEndian.AppendUint32(nil, uint32(uint64(n)>>32))
		return binary.LittleEndian.AppendUint32(b, uint32(uint64(n))), nil
	}
	d = decimalFromRat(d.Rat(), t.Scale)
	size := decimalBytes(t.Precision)
	out := make([]byte, size)
	out[0] = 1
	if d.Unscaled.Sign() < 0 {
		out[0] = 0
	}
	mag := new(big.Int).Abs(d.Unscaled).Bytes() // big-endian
	if len(mag) > size-1 {
		return nil, fmt.Errorf("decimal %s does not fit %s", d, t)
	}
	for i, c := range mag {
		out[len(mag)-i] = c
	}
	return out, nil
}

// timeData encodes date, datetime, smalldatetime, datetime2 and
// datetimeoffset values.
func timeData(t ColType, x time.Time) []byte {
	switch t.Name {
	case "date":
		return appendDays(nil, x)
	case "datetime":
		b := binary.LittleEndian.AppendUint32(nil, uint32(int32(daysSince(sqlEpoch, x))))
		return binary.LittleEndian.AppendUint32(b, uint32(datetimeTicks(sinceMidnight(x))))
	case "smalldatetime":
		b := binary.LittleEndian.AppendUint16(nil, uint16(daysSince(sqlEpoch, x)))
		return binary.LittleEndian.AppendUint16(b, uint16(sinceMidnight(x)/time.Minute))
	case "datetimeoffset":
		_, off := x.Zone()
		u := x.UTC()
		b := appendDays(timeOfDay(sinceMidnight(u), t.Scale), u)
		return binary.LittleEndian.AppendUint16(b, uint16(int16(off/60)))
	}
	return appendDays(timeOfDay(sinceMidnight(x), t.Scale), x)
}

// appendDays writes the 3-byte day count since 0001-01-01.
func appendDays(b []byte, x time.Time) []byte {
	d := daysSince(dateEpoch, x)
	return append(b, byte(d), byte(d>>8), byte(d>>16))
}

// timeOfDay writes a time of day in 10^-scale second units, in 3 to 5 bytes.
func timeOfDay(d time.Duration, scale int) []byte {
	units := int64(roundDuration(d, scale))
	for i := scale; i < 9; i++ {
		units /= 10
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(units))
	return b[:timeBytes(scale)]
}

// rawBytes is the byte form of a character or binary value on the wire.
func rawBytes(t ColType, v any) []byte {
	switch x := v.(type) {
	case []byte:
		return x
	case string:
		if f := t.family(); f == famNChar || f == famNText || f == famXML {
			return utf16Bytes(x)
		}
		return []byte(x)
	case UDT:
		if x.Bytes != nil {
			return x.Bytes
		}
		return utf16Bytes(x.Text)
	}
	return nil
}

func appendShortValue(b []byte, t ColType, v any) ([]byte, error) {
	if v == nil {
		return binary.LittleEndian.AppendUint16(b, 0xFFFF), nil
	}
	data := rawBytes(t, v)
	if data == nil {
		return nil, fmt.Errorf("value %T for a %s column", v, t)
	}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...), nil
}

// plpChunk bounds the chunks of a PLP value, so that a client sees a large
// value arrive in pieces as a real server sends it.
const plpChunk = 8000

func appendPLP(b []byte, t ColType, v any) ([]byte, error) {
	if v == nil {
		return binary.LittleEndian.AppendUint64(b, math.MaxUint64), nil
	}
	data := rawBytes(t, v)
	if data == nil {
		return nil, fmt.Errorf("value %T for a %s column", v, t)
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(len(data)))
	for len(data) > 0 {
		n := min(len(data), plpChunk)
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
		b, data = append(b, data[:n]...), data[n:]
	}
	return binary.LittleEndian.AppendUint32(b, 0), nil
}

// appendTextPtrValue writes a text, ntext or image value: a 16-byte text
// pointer and 8-byte timestamp (dummies), then the data with a 4-byte length.
func appendTextPtrValue(b []byte, t ColType, v any) ([]byte, error) {
	if v == nil {
		return append(b, 0), nil
	}
	data := rawBytes(t, v)
	b = append(b, 16)
	b = append(b, make([]byte, 16+8)...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	return append(b, data...), nil
}

// appendVariant writes a sql_variant: total length, base type, its
// properties and the value (MS-TDS 2.2.5.5.4).
func appendVariant(b []byte, v any) ([]byte, error) {
	if v == nil {
		return binary.LittleEndian.AppendUint32(b, 0), nil
	}
	x, ok := v.(Variant)
	if !ok {
		return nil, fmt.Errorf("value %T for a sql_variant column", v)
	}
	tag, props := variantTag(x.Type)
	var data []byte
	switch x.Type.family() {
	case famChar, famNChar, famBinary:
		data = rawBytes(x.Type, x.Value)
	default:
		var err error
		if data, err = fixedData(x.Type, x.Value); err != nil {
			return nil, err
		}
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(2+len(props)+len(data)))
	b = append(append(b, tag, byte(len(props))), props...)
	return append(b, data...), nil
}

// variantTag is the base type of a sql_variant value and its properties:
// fixed types use their non-nullable tags.
func variantTag(t ColType) (byte, []byte) {
	switch t.family() {
	case famInt:
		return map[string]byte{"tinyint": tagInt1, "smallint": tagInt2, "int": tagInt4, "bigint": tagInt8}[t.Name], nil
	case famBit:
		return tagBit, nil
	case famFloat:
		if t.Name == "real" {
			return tagFlt4, nil
		}
		return tagFlt8, nil
	case famMoney:
		if t.Name == "smallmoney" {
			return tagMoney4, nil
		}
		return tagMoney, nil
	case famDateTime:
		if t.Name == "smalldatetime" {
			return tagDateTim4, nil
		}
		return tagDateTime, nil
	case famDecimal:
		return t.tag(), []byte{byte(t.Precision), byte(t.Scale)}
	case famTime, famDateTime2, famDateTimeOffset:
		return t.tag(), []byte{byte(t.Scale)}
	case famChar, famNChar:
		p := append(collationOf(t).Wire(), 0, 0)
		binary.LittleEndian.PutUint16(p[5:], shortMaxLength(t))
		return t.tag(), p
	case famBinary:
		return t.tag(), binary.LittleEndian.AppendUint16(nil, shortMaxLength(t))
	}
	return t.tag(), nil
}

// appendBVarChar writes a B_VARCHAR: a byte count of UTF-16 units, then them.
func appendBVarChar(b []byte, s string) []byte {
	u := utf16Bytes(s)
	return append(append(b, byte(len(u)/2)), u...)
}

// appendUSVarChar writes a US_VARCHAR: a USHORT count of UTF-16 units.
func appendUSVarChar(b []byte, s string) []byte {
	u := utf16Bytes(s)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(u)/2))
	return append(b, u...)
}
