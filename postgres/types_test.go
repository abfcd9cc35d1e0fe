package postgres

import (
	"fmt"
	"testing"

	"github.com/sluicedb/sluice"
)

func TestTypeOf(t *testing.T) {
	b := func(name string, mod int) pgType {
		return pgType{Name: name, TypType: "b", Builtin: true, Mod: mod, Format: name}
	}
	cases := []struct {
		in   pgType
		want sluice.Type
		text bool
	}{
		{b("int2", -1), sluice.Type{Kind: sluice.KindInt, Bits: 16}, false},
		{b("int4", -1), sluice.Type{Kind: sluice.KindInt, Bits: 32}, false},
		{b("int8", -1), sluice.Type{Kind: sluice.KindInt, Bits: 64}, false},
		{b("float4", -1), sluice.Type{Kind: sluice.KindFloat, Bits: 32}, false},
		{b("float8", -1), sluice.Type{Kind: sluice.KindFloat, Bits: 64}, false},
		{b("numeric", (38<<16|10)+4), sluice.Type{Kind: sluice.KindDecimal, Precision: 38, Scale: 10}, true},
		{b("numeric", (5<<16|0x7fe)+4), sluice.Type{Kind: sluice.KindDecimal, Precision: 5, Scale: -2}, true},
		{b("numeric", -1), sluice.Type{Kind: sluice.KindDecimal}, true},
		{b("varchar", 5+4), sluice.Type{Kind: sluice.KindString, Length: 5}, false},
		{b("varchar", -1), sluice.Type{Kind: sluice.KindText}, false},
		{b("bpchar", 3+4), sluice.Type{Kind: sluice.KindString, Length: 3, Fixed: true}, false},
		{b("text", -1), sluice.Type{Kind: sluice.KindText}, false},
		{b("bytea", -1), sluice.Type{Kind: sluice.KindBytes}, false},
		{b("bool", -1), sluice.Type{Kind: sluice.KindBool}, false},
		{b("date", -1), sluice.Type{Kind: sluice.KindDate}, false},
		{b("timestamp", 3), sluice.Type{Kind: sluice.KindTimestamp, Precision: 3}, false},
		{b("timestamptz", -1), sluice.Type{Kind: sluice.KindTimestampTZ, Precision: 6}, false},
		{b("time", 0), sluice.Type{Kind: sluice.KindTime, Precision: 0}, true},
		{b("uuid", -1), sluice.Type{Kind: sluice.KindUUID}, false},
		{b("json", -1), sluice.Type{Kind: sluice.KindJSON}, true},
		{b("jsonb", -1), sluice.Type{Kind: sluice.KindJSON}, true},
		{b("interval", -1), sluice.Type{Kind: sluice.KindOther}, true},
		{b("timetz", -1), sluice.Type{Kind: sluice.KindOther}, true},
		{b("_int4", -1), sluice.Type{Kind: sluice.KindOther}, true},
		{b("money", -1), sluice.Type{Kind: sluice.KindOther}, true},
		{pgType{Name: "mood", TypType: "e", Enum: []string{"sad", "happy"}}, sluice.Type{Kind: sluice.KindEnum, Values: []string{"sad", "happy"}}, true},
		{pgType{Name: "posint", TypType: "d"}, sluice.Type{Kind: sluice.KindOther}, true},
		{pgType{Name: "int4", TypType: "b", Builtin: false}, sluice.Type{Kind: sluice.KindOther}, true}, // a user type named like a built-in
	}
	for _, c := range cases {
		c.want.Raw = c.in.Format
		got := TypeOf(c.in)
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", c.want) || readsAsText(got) != c.text {
			t.Errorf("TypeOf(%+v) = %+v (text %v), want %+v (text %v)", c.in, got, readsAsText(got), c.want, c.text)
		}
	}
}
