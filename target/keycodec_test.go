package target

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

func TestKeyCodecRoundTrips(t *testing.T) {
	u := uuid.MustParse("a18306cf-4b0a-5674-93e2-be8c183b5270")
	cases := []struct {
		name string
		key  []any
		text string // the stored form, "" to skip checking it
	}{
		{"int64 above float precision", []any{int64(9007199254740993)}, `["int:9007199254740993"]`},
		{"int64 extremes", []any{int64(math.MinInt64), int64(math.MaxInt64)}, ""},
		{"uint64 above int64", []any{uint64(math.MaxUint64)}, `["uint:18446744073709551615"]`},
		{"float64", []any{0.1, -0.0, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(-1)}, ""},
		{"strings", []any{"Smith", "", "a|b", `"quoted" <&>`, "é\x00"}, `["str:Smith","str:","str:a|b","str:\"quoted\" <&>","str:é\u0000"]`},
		{"invalid UTF-8 string", []any{"ab\xffc"}, `["strx:YWL/Yw=="]`},
		{"bytes", []any{[]byte{0, 0xff}, []byte{}}, `["bytes:AP8=","bytes:"]`},
		{"bool", []any{true, false}, `["bool:true","bool:false"]`},
		{"time", []any{time.Date(2024, 3, 1, 10, 0, 0, 500, time.UTC)}, `["time:2024-03-01T10:00:00.0000005Z"]`},
		{"time far away", []any{time.Date(12000, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)}, ""},
		{"uuid", []any{[16]byte(u)}, `["uuid:a18306cf-4b0a-5674-93e2-be8c183b5270"]`},
		{"null part", []any{nil, int64(1)}, `["null","int:1"]`},
		{"composite", []any{"x", int64(2), []byte("y")}, ""},
		{"undecodable text", []any{sluice.Undecodable{Charset: "gbk", Bytes: []byte{0xa3, 0x80}}, int64(1)}, `["undecodable:gbk:o4A=","int:1"]`},
	}
	for _, tc := range cases {
		s, err := EncodeKey(tc.key)
		if err != nil {
			t.Errorf("%s: encode: %v", tc.name, err)
			continue
		}
		if tc.text != "" && s != tc.text {
			t.Errorf("%s: encoded %s, want %s", tc.name, s, tc.text)
		}
		got, err := DecodeKey(s)
		if err != nil || !sameKey(got, tc.key) {
			t.Errorf("%s: %s decoded to %#v, %v; want %#v", tc.name, s, got, err, tc.key)
		}
	}
}

func TestKeyCodecNormalisesAndRefuses(t *testing.T) {
	s, _ := EncodeKey([]any{int32(5), 7, uuid.UUID{1}})
	got, _ := DecodeKey(s)
	if !reflect.DeepEqual(got, []any{int64(5), int64(7), [16]byte{1}}) {
		t.Errorf("normalised key = %#v", got)
	}
	if s, err := EncodeKey(nil); s != "" || err != nil {
		t.Errorf("EncodeKey(nil) = %q, %v", s, err)
	}
	if k, err := DecodeKey(""); k != nil || err != nil {
		t.Errorf("DecodeKey(\"\") = %v, %v", k, err)
	}
	if _, err := EncodeKey([]any{struct{}{}}); err == nil {
		t.Error("EncodeKey accepted a struct")
	}
	for _, bad := range []string{`[1]`, `["int:x"]`, `["what:1"]`, `[]`, `nope`, `["bytes:!!"]`, `["timeu:1:2000000000"]`, `["undecodable:o4A="]`, `["undecodable:gbk:!!"]`} {
		if _, err := DecodeKey(bad); err == nil {
			t.Errorf("DecodeKey(%s) succeeded", bad)
		}
	}
}

// sameKey compares keys exactly: same types, same values, float bits, time
// instants.
func sameKey(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y))
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	}
	return reflect.DeepEqual(a, b)
}

func FuzzKeyCodec(f *testing.F) {
	f.Add(int64(1), uint64(2), 0.5, "s", []byte("b"), true, int64(0), int64(0))
	f.Add(int64(-1), uint64(math.MaxUint64), math.NaN(), "\xff\x00", []byte{}, false, int64(-62135596800), int64(999999999))
	f.Fuzz(func(t *testing.T, i int64, u uint64, fl float64, s string, b []byte, bo bool, sec, nsec int64) {
		if b == nil {
			b = []byte{}
		}
		key := []any{i, u, fl, s, b, bo, time.Unix(sec, nsec%1e9).UTC(), [16]byte(uuid.NewSHA1(uuid.Nil, b)), nil}
		text, err := EncodeKey(key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeKey(text)
		if err != nil || !sameKey(got, key) {
			t.Fatalf("%s decoded to %#v, %v; want %#v", text, got, err, key)
		}
	})
}

// FuzzDecodeKey feeds arbitrary text: it must never panic, and what it
// accepts must encode back to a key that decodes the same.
func FuzzDecodeKey(f *testing.F) {
	f.Add(`["int:1","str:x","strx:/w==","bytes:","bool:true","null","timeu:-1:5","float:NaN"]`)
	f.Add(`["time:2024-03-01T10:00:00+02:00","uuid:a18306cf-4b0a-5674-93e2-be8c183b5270"]`)
	f.Fuzz(func(t *testing.T, s string) {
		key, err := DecodeKey(s)
		if err != nil || key == nil {
			return
		}
		again, err := EncodeKey(key)
		if err != nil {
			t.Fatalf("re-encode %#v: %v", key, err)
		}
		back, err := DecodeKey(again)
		if err != nil || !sameKey(back, key) {
			t.Fatalf("%s -> %s -> %#v, %v", s, again, back, err)
		}
	})
}
