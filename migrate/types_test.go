package migrate

import "testing"

func TestCanonicalType(t *testing.T) {
	cases := map[string]string{
		"varchar(50)":                    "character varying(50)",
		"character varying(50)":          "character varying(50)",
		"timestamp":                      "timestamp without time zone",
		"timestamp(3)":                   "timestamp(3) without time zone",
		"timestamp(3) without time zone": "timestamp(3) without time zone",
		"timestamptz":                    "timestamp with time zone",
		"timestamptz(6)":                 "timestamp(6) with time zone",
		"timestamp(6) with time zone":    "timestamp(6) with time zone",
		"time(2)":                        "time(2) without time zone",
		"numeric(10, 2)":                 "numeric(10,2)",
		"decimal(10,2)":                  "numeric(10,2)",
		"text[]":                         "text[]",
		"int4[]":                         "integer[]",
		"bool":                           "boolean",
		"double precision":               "double precision",
		"char(3)":                        "character(3)",
		"bit(10)":                        "bit(10)",
		"varbit(4)":                      "bit varying(4)",
		"jsonb":                          "jsonb",
		"uuid":                           "uuid",
	}
	for in, want := range cases {
		if got := canonicalType(in); got != want {
			t.Errorf("canonicalType(%q) = %q, want %q", in, got, want)
		}
	}
}
