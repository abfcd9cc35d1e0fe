package mysql

import (
	"reflect"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
)

// Cases the type matrix does not reach: negative decimals with leftover
// digits on both sides, negative times with fractions, the old temporal
// formats, CHAR longer than 255 bytes, BINARY padding, set members.
func TestDecodeCell(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		typ  byte
		meta uint16
		col  sluice.Type
		want any
		n    int
	}{
		{"decimal(5,2) 123.45", []byte{0x80, 0x7b, 0x2d}, tNewDecimal, 5<<8 | 2, sluice.Type{Kind: sluice.KindDecimal}, "123.45", 3},
		{"decimal(5,2) -123.45", []byte{0x7f, 0x84, 0xd2}, tNewDecimal, 5<<8 | 2, sluice.Type{Kind: sluice.KindDecimal}, "-123.45", 3},
		{"decimal(4,0) 0", []byte{0x80, 0x00}, tNewDecimal, 4 << 8, sluice.Type{Kind: sluice.KindDecimal}, "0", 2},
		{"decimal(3,3) -0.5", []byte{0x7e, 0x0b}, tNewDecimal, 3<<8 | 3, sluice.Type{Kind: sluice.KindDecimal}, "-0.500", 2},
		{"time(6) -01:00:00.5", []byte{0x7f, 0xef, 0xff, 0xf8, 0x5e, 0xe0}, tTime2, 6, sluice.Type{Kind: sluice.KindTime}, "-01:00:00.500000", 6},
		{"time(0) 838:59:59", []byte{0xb4, 0x6e, 0xfb}, tTime2, 0, sluice.Type{Kind: sluice.KindTime}, "838:59:59", 3},
		{"old time -12:34:56", le24(-123456), tTime, 0, sluice.Type{Kind: sluice.KindTime}, "-12:34:56", 3},
		{"old datetime", le64(20240229123456), tDateTime, 0, sluice.Type{Kind: sluice.KindTimestamp},
			time.Date(2024, 2, 29, 12, 34, 56, 0, time.UTC), 8},
		{"datetime(3)", []byte{0x99, 0xb2, 0xba, 0xc8, 0xb8, 0x30, 0x39}, tDateTime2, 3, sluice.Type{Kind: sluice.KindTimestamp},
			time.Date(2024, 2, 29, 12, 34, 56, 123000000, time.UTC), 7},
		{"char(300) of 2 bytes", []byte{2, 0, 'h', 'i'}, tString, (tString&^0x30|0x10)<<8 | 300&0xff, sluice.Type{Kind: sluice.KindString}, "hi", 4},
		{"binary(4) padded", []byte{1, 0xff}, tString, tString<<8 | 4, sluice.Type{Kind: sluice.KindBytes, Fixed: true, Length: 4}, []byte{0xff, 0, 0, 0}, 2},
		{"set of 9 members", []byte{0x01, 0x01}, tString, tSet<<8 | 2, sluice.Type{Kind: sluice.KindSet, Values: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}}, "a,i", 2},
		{"enum index 0", []byte{0}, tString, tEnum<<8 | 1, sluice.Type{Kind: sluice.KindEnum, Values: []string{"x"}}, "", 1},
		{"mediumint unsigned", []byte{0xff, 0xff, 0xff}, tInt24, 0, sluice.Type{Kind: sluice.KindInt, Unsigned: true}, int64(16777215), 3},
		{"mediumint", []byte{0xff, 0xff, 0xff}, tInt24, 0, sluice.Type{Kind: sluice.KindInt}, int64(-1), 3},
		{"geometry", []byte{9, 0, 0, 0, 0xe6, 0x10, 0, 0, 1, 1, 0, 0, 0}, tGeometry, 4, sluice.Type{Kind: sluice.KindGeometry},
			sluice.Geometry{SRID: 4326, WKB: []byte{1, 1, 0, 0, 0}}, 13},
	}
	for _, c := range cases {
		got, n, err := decodeCell(c.data, c.typ, c.meta, c.col)
		if err != nil || n != c.n || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %#v (%d bytes, %v), want %#v (%d bytes)", c.name, got, n, err, c.want, c.n)
		}
	}
}

func le24(v int32) []byte { u := uint32(v); return []byte{byte(u), byte(u >> 8), byte(u >> 16)} }

func le64(v uint64) []byte {
	b := make([]byte, 8)
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	return b
}

// A cut or garbled value is an error, never a panic.
func FuzzDecodeCell(f *testing.F) {
	f.Add([]byte{0x80, 0x01, 0x17, 0x2d}, byte(tNewDecimal), uint16(5<<8|2), uint8(0))
	f.Add([]byte{2, 0, 'h'}, byte(tString), uint16(0x1e2c), uint8(1))
	f.Add([]byte{0x99, 0xb2}, byte(tDateTime2), uint16(6), uint8(2))
	f.Add([]byte{4, 0, 0, 0}, byte(tBlob), uint16(4), uint8(3))
	kinds := []sluice.Type{{Kind: sluice.KindDecimal}, {Kind: sluice.KindString}, {Kind: sluice.KindTimestamp},
		{Kind: sluice.KindGeometry}, {Kind: sluice.KindEnum, Values: []string{"a"}}, {Kind: sluice.KindSet, Values: []string{"a", "b"}}}
	f.Fuzz(func(t *testing.T, data []byte, typ byte, meta uint16, kind uint8) {
		_, n, err := decodeCell(data, typ, meta, kinds[int(kind)%len(kinds)])
		if err == nil && (n < 0 || n > len(data)) {
			t.Fatalf("took %d bytes of %d", n, len(data))
		}
	})
}
