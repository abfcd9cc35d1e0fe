package plan

import "testing"

func TestCanonicalType(t *testing.T) {
	cases := map[string]string{
		"varchar(50)":                 "character varying(50)",
		"char":                        "character(1)",
		"timestamptz(6)":              "timestamp(6) with time zone",
		"varbit(4)":                   "bit varying(4)",
		"int4[]":                      "integer[]",
		"VARCHAR( 50 )":               "character varying(50)",
		"character varying(50)":       "character varying(50)",
		"char(2)":                     "character(2)",
		"int":                         "integer",
		"int8":                        "bigint",
		"numeric(10, 2)":              "numeric(10,2)",
		"decimal":                     "numeric",
		"timestamp":                   "timestamp without time zone",
		"timestamp(3)":                "timestamp(3) without time zone",
		"timestamptz":                 "timestamp with time zone",
		"timestamp(6) with time zone": "timestamp(6) with time zone",
		"time(0)":                     "time(0) without time zone",
		"text[]":                      "text[]",
		"integer[3]":                  "integer[]",
		"double precision":            "double precision",
		"float4":                      "real",
		"varbit(8)":                   "bit varying(8)",
		"bool":                        "boolean",
		"jsonb":                       "jsonb",
		"uuid":                        "uuid",
	}
	for in, want := range cases {
		if got := CanonicalType(in); got != want {
			t.Errorf("CanonicalType(%q) = %q, want %q", in, got, want)
		}
	}
}
