package tds

import (
	"encoding/hex"
	"math/big"
	"testing"
	"time"
)

// TestValueEncodings pins the TDS encoding of values of each type to bytes
// worked out by hand from MS-TDS, and checks that decoding gives the value
// back where the server also reads the type (RPC parameters).
func TestValueEncodings(t *testing.T) {
	dec := func(s string, scale int) Decimal {
		n, _ := new(big.Int).SetString(s, 10)
		return Decimal{Unscaled: n, Scale: scale}
	}
	ty := func(name string, args ...string) ColType {
		c, err := MakeType(name, args, DefaultCollation)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	guid, _ := ParseGUID("6F9619FF-8B86-D011-B42D-00C04FC964FF")
	cases := []struct {
		name string
		typ  ColType
		v    any
		want string // hex of the value with its length prefix
	}{
		{"int", ty("int"), int64(-2), "04feffffff"},
		{"tinyint", ty("tinyint"), int64(255), "01ff"},
		{"bit", ty("bit"), true, "0101"},
		{"NULL int", ty("int"), nil, "00"},
		{"decimal(10,2)", ty("decimal", "10", "2"), dec("-1225", 2), "0900c904000000000000"},
		{"money", ty("money"), dec("1234500", 4), "080000000044d61200"},
		{"smallmoney", ty("smallmoney"), dec("-10000", 4), "04f0d8ffff"},
		{"float", ty("float"), 1.5, "08000000000000f83f"},
		{"real", ty("real"), 0.25, "040000803e"},
		{"date", ty("date"), time.Date(2, 1, 1, 0, 0, 0, 0, time.UTC), "036d0100"},
		{"datetime", ty("datetime"), time.Date(1900, 1, 2, 0, 0, 1, 0, time.UTC), "08010000002c010000"},
		{"smalldatetime", ty("smalldatetime"), time.Date(1900, 1, 2, 0, 2, 0, 0, time.UTC), "0401000200"},
		{"time(0)", ty("time", "0"), time.Second * 3661, "034d0e00"},
		{"datetime2(3)", ty("datetime2", "3"), time.Date(1, 1, 2, 0, 0, 1, 5e6, time.UTC), "07ed030000010000"},
		{"datetimeoffset(0) +01:00", ty("datetimeoffset", "0"), time.Date(1, 1, 2, 1, 0, 0, 0, time.FixedZone("", 3600)), "080000000100003c00"},
		{"uniqueidentifier", ty("uniqueidentifier"), guid, "10ff19966f868b11d0b42d00c04fc964ff"},
		{"nvarchar(10)", ty("nvarchar", "10"), "aé", "04006100e900"},
		{"varchar(10) cp1252", ty("varchar", "10"), encodeCodePage("aé", DefaultCollation), "020061e9"},
		{"NULL nvarchar", ty("nvarchar", "10"), nil, "ffff"},
		{"varbinary(max)", ty("varbinary", "max"), []byte{1, 2}, "0200000000000000020000000102" + "00000000"},
		{"NULL varbinary(max)", ty("varbinary", "max"), nil, "ffffffffffffffff"},
		{"image", ty("image"), []byte{7}, "10" + "00000000000000000000000000000000" + "0000000000000000" + "0100000007"},
	}
	for _, c := range cases {
		b, err := appendValue(nil, c.typ, c.v)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := hex.EncodeToString(b); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestParamDecoding reads values as RPC parameters arrive: length-prefixed
// data decoded back to the Go form the engine compares.
func TestParamDecoding(t *testing.T) {
	cases := []struct {
		info, data string
		want       string
	}{
		{"2608", "08feffffffffffffff", "bigint -2"},
		{"6a050a02", "0500c9040000", "decimal(10,2) -12.25"},
		{"e7a00f0904d00034", "04006100e900", "nvarchar(2000) aé"},
		{"2410", "10ff19966f868b11d0b42d00c04fc964ff", "uniqueidentifier 6F9619FF-8B86-D011-B42D-00C04FC964FF"},
		{"2b07", "0a00000000000100000000", "datetimeoffset(7) 0001-01-02 00:00:00 +0000 +0000"},
	}
	for _, c := range cases {
		info, _ := hex.DecodeString(c.info)
		data, _ := hex.DecodeString(c.data)
		r := &reader{b: append(info, data...)}
		typ, v := r.readParamValue(r.readTypeInfo())
		if r.err != nil {
			t.Errorf("%s: %v", c.want, r.err)
			continue
		}
		if got := typ.String() + " " + valueOrTime(v); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func valueOrTime(v any) string {
	if x, ok := v.(time.Time); ok {
		return x.Format("2006-01-02 15:04:05 -0700 -0700")
	}
	return valueText(v, ColType{Name: "nvarchar"})
}

// FuzzParseRPC: no client message makes the RPC or LOGIN7 reader panic.
func FuzzParseRPC(f *testing.F) {
	seed, _ := hex.DecodeString("16000000120000000200000000000000000001000000ffff0a0000000000e7a00f0904d00034080053004500" +
		"4c00450043005400000ae7a00f0904d0003400000000260808ffffffffffffffff2a07080000000001000000")
	f.Add(seed)
	short, _ := hex.DecodeString("16000000120000000200000000000000000001000000ffff0a00000000002a070100")
	f.Add(short) // a datetime2(7) parameter of one byte
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = parseRPC(b)
		_, _ = parseLogin7(b)
		_, _ = clientEncryption(b)
	})
}
