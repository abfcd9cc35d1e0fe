package sqlite

import (
	"testing"

	"github.com/sluicedb/sluice"
)

func TestParseType(t *testing.T) {
	cases := []struct {
		decl string
		want sluice.Type
	}{
		{"BOOLEAN", sluice.Type{Kind: sluice.KindBool}},
		{"bool", sluice.Type{Kind: sluice.KindBool}},
		{"TINYINT(1)", sluice.Type{Kind: sluice.KindBool}},
		{"TINYINT", sluice.Type{Kind: sluice.KindInt, Bits: 8}},
		{"tinyint(4)", sluice.Type{Kind: sluice.KindInt, Bits: 8}},
		{"SMALLINT", sluice.Type{Kind: sluice.KindInt, Bits: 16}},
		{"INT2", sluice.Type{Kind: sluice.KindInt, Bits: 16}},
		{"INTEGER", sluice.Type{Kind: sluice.KindInt, Bits: 64}},
		{"INT", sluice.Type{Kind: sluice.KindInt, Bits: 64}},
		{"int(11)", sluice.Type{Kind: sluice.KindInt, Bits: 64}},
		{"BIGINT", sluice.Type{Kind: sluice.KindInt, Bits: 64}},
		{"UNSIGNED BIG INT", sluice.Type{Kind: sluice.KindInt, Bits: 64}},
		{"MEDIUMINT", sluice.Type{Kind: sluice.KindInt, Bits: 64}},
		{"FLOATING POINT", sluice.Type{Kind: sluice.KindInt, Bits: 64}}, // SQLite: INT wins
		{"NUMERIC(10,2)", sluice.Type{Kind: sluice.KindDecimal, Precision: 10, Scale: 2}},
		{"decimal( 38 , 10 )", sluice.Type{Kind: sluice.KindDecimal, Precision: 38, Scale: 10}},
		{"NUMERIC(7)", sluice.Type{Kind: sluice.KindDecimal, Precision: 7}},
		{"NUMERIC", sluice.Type{Kind: sluice.KindDecimal}},
		{"DECIMAL", sluice.Type{Kind: sluice.KindDecimal}},
		{"REAL", sluice.Type{Kind: sluice.KindFloat, Bits: 64}},
		{"DOUBLE", sluice.Type{Kind: sluice.KindFloat, Bits: 64}},
		{"DOUBLE PRECISION", sluice.Type{Kind: sluice.KindFloat, Bits: 64}},
		{"FLOAT", sluice.Type{Kind: sluice.KindFloat, Bits: 64}},
		{"NVARCHAR(160)", sluice.Type{Kind: sluice.KindString, Length: 160}},
		{"VARCHAR(20)", sluice.Type{Kind: sluice.KindString, Length: 20}},
		{"CHARACTER(20)", sluice.Type{Kind: sluice.KindString, Length: 20}},
		{"VARYING CHARACTER(255)", sluice.Type{Kind: sluice.KindString, Length: 255}},
		{"NCHAR(55)", sluice.Type{Kind: sluice.KindString, Length: 55}},
		{"CHAR(3)", sluice.Type{Kind: sluice.KindString, Length: 3}},
		{"VARCHAR", sluice.Type{Kind: sluice.KindText}},
		{"VARCHAR(MAX)", sluice.Type{Kind: sluice.KindText}},
		{"TEXT", sluice.Type{Kind: sluice.KindText}},
		{"CLOB", sluice.Type{Kind: sluice.KindText}},
		{"BLOB", sluice.Type{Kind: sluice.KindBytes}},
		{"DATE", sluice.Type{Kind: sluice.KindDate}},
		{"DATETIME", sluice.Type{Kind: sluice.KindTimestamp}},
		{"timestamp", sluice.Type{Kind: sluice.KindTimestamp}},
		{"TIME", sluice.Type{Kind: sluice.KindTime}},
		{"JSON", sluice.Type{Kind: sluice.KindJSON}},
		{"", sluice.Type{Kind: sluice.KindOther}},
		{"MONEY", sluice.Type{Kind: sluice.KindOther}},
		{"UUID", sluice.Type{Kind: sluice.KindOther}},
	}
	for _, c := range cases {
		c.want.Raw = c.decl
		got := ParseType(c.decl)
		if got.Kind != c.want.Kind || got.Raw != c.want.Raw || got.Bits != c.want.Bits ||
			got.Length != c.want.Length || got.Precision != c.want.Precision || got.Scale != c.want.Scale {
			t.Errorf("ParseType(%q) = %+v, want %+v", c.decl, got, c.want)
		}
	}
}

func FuzzParseType(f *testing.F) {
	for _, s := range []string{"NUMERIC(10,2)", "VARCHAR(", "(", "INT)", "CHAR(-1)", "DECIMAL(,3)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, decl string) {
		got := ParseType(decl)
		if got.Raw != decl || got.Kind == "" {
			t.Fatalf("ParseType(%q) = %+v: Raw must be the declaration and Kind set", decl, got)
		}
		if got.Length < 0 || got.Precision < 0 || got.Scale < 0 || got.Scale > got.Precision {
			t.Fatalf("ParseType(%q) = %+v: impossible bounds", decl, got)
		}
	})
}
