package plan

import "testing"

func TestResolveTypes(t *testing.T) {
	cases := []struct {
		types     []string
		want, why string
	}{
		{[]string{"integer", "int4"}, "integer", ""},
		{[]string{"varchar(50)", "character varying(50)"}, "varchar(50)", ""},
		{[]string{"smallint", "bigint", "integer"}, "bigint", "widest integer"},
		{[]string{"integer", "numeric(12,2)"}, "numeric(12,2)", "numeric with the most integer digits and the largest scale"},
		{[]string{"bigint", "numeric(10,4)"}, "numeric(23,4)", "numeric with the most integer digits and the largest scale"},
		{[]string{"numeric(10,2)", "numeric(8,4)"}, "numeric(12,4)", "numeric with the most integer digits and the largest scale"},
		{[]string{"numeric(10,2)", "numeric"}, "numeric", "unconstrained numeric holds every part's values"},
		{[]string{"real", "double precision"}, "double precision", "widest float"},
		{[]string{"varchar(10)", "char(20)", "varchar(5)"}, "varchar(20)", "longest varchar"},
		{[]string{"varchar(10)", "text"}, "text", "text holds every part's strings"},
		{[]string{"timestamp", "timestamptz"}, "timestamptz", "timestamptz holds timestamps with and without time zone"},
		{[]string{"date", "timestamp(3)"}, "timestamp(3)", "timestamp holds dates (at midnight)"},
		{[]string{"date", "timestamp with time zone"}, "timestamptz", "timestamptz holds dates (at midnight)"},
		{[]string{"timestamp(3)", "timestamp"}, "timestamp", "the largest precision"},
		{[]string{"timestamp(3)", "timestamp(6) without time zone"}, "timestamp(6)", "the largest precision"},
		{[]string{"integer", "text"}, "text", whyText},
		{[]string{"uuid", "integer"}, "text", whyText},
		{[]string{"double precision", "numeric(10,2)"}, "text", whyText},
		{[]string{"date", "time"}, "text", whyText},
		{[]string{"boolean", "smallint"}, "text", whyText},
	}
	for _, c := range cases {
		got, why := resolveTypes(c.types)
		if got != c.want || why != c.why {
			t.Errorf("resolveTypes(%q) = %q (%s), want %q (%s)", c.types, got, why, c.want, c.why)
		}
	}
}
