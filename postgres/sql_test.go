package postgres

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

func TestReadSQL(t *testing.T) {
	types := map[string]sluice.Type{
		"id":    {Kind: sluice.KindInt, Raw: "integer"},
		"name":  {Kind: sluice.KindString, Raw: "character varying(100)"},
		"score": {Kind: sluice.KindDecimal, Raw: "numeric(10,2)"},
		"mood":  {Kind: sluice.KindEnum, Raw: `"My Schema".mood`},
		"doc":   {Kind: sluice.KindJSON, Raw: "jsonb"},
	}
	cases := []struct {
		name string
		req  sluice.ReadRequest
		sql  string
		args []any
	}{
		{"no key", sluice.ReadRequest{Table: "t", Columns: []string{"id", "score", "doc"}},
			`SELECT "id", "score"::text, "doc"::text FROM ONLY "s"."t"`, nil},
		{"first page", sluice.ReadRequest{Table: "t", Columns: []string{"name"}, Key: []string{"id"}, Limit: 2},
			`SELECT "name", "id" FROM ONLY "s"."t" ORDER BY "s"."t"."id" LIMIT 2`, nil},
		{"next page", sluice.ReadRequest{Table: "t", Columns: []string{"name"}, Key: []string{"id"}, After: []any{int64(4)}, Limit: 2},
			`SELECT "name", "id" FROM ONLY "s"."t" WHERE "s"."t"."id" > $1 ORDER BY "s"."t"."id" LIMIT 2`, []any{int64(4)}},
		{"composite key cast back", sluice.ReadRequest{Table: "t", Columns: []string{"id"}, Key: []string{"score", "mood"}, After: []any{"1.50", "happy"}},
			`SELECT "id", "score"::text, "mood"::text FROM ONLY "s"."t" WHERE ("s"."t"."score", "s"."t"."mood") > ($1::text::numeric(10,2), $2::text::"My Schema".mood) ORDER BY "s"."t"."score", "s"."t"."mood"`,
			[]any{"1.50", "happy"}},
		{"ctid", sluice.ReadRequest{Table: "t", Columns: []string{"id"}, Key: []string{"ctid"}, After: []any{"(0,3)"}, Limit: 100, Where: "id = 1 OR id = 2"},
			`SELECT "id", ctid::text FROM ONLY "s"."t" WHERE (id = 1 OR id = 2) AND "s"."t".ctid > $1::text::tid ORDER BY "s"."t".ctid LIMIT 100`, []any{"(0,3)"}},
		{"quoted", sluice.ReadRequest{Table: `we"ird`, Columns: []string{"select"}, Key: []string{"select"}},
			`SELECT "select", "select" FROM ONLY "s"."we""ird" ORDER BY "s"."we""ird"."select"`, nil},
	}
	for _, c := range cases {
		sql, args := ReadSQL("s", c.req, types, false)
		if sql != c.sql || fmt.Sprint(args) != fmt.Sprint(c.args) {
			t.Errorf("%s:\n got  %s %v\n want %s %v", c.name, sql, args, c.sql, c.args)
		}
	}
}

func TestCountSQL(t *testing.T) {
	if got, want := CountSQL("public", "order", "", false), `SELECT count(*) FROM ONLY "public"."order"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := CountSQL("p", "parted", "", true), `SELECT count(*) FROM "p"."parted"`; got != want {
		t.Errorf("a partitioned table is read through its partitions: got %s, want %s", got, want)
	}
	if got, want := CountSQL(`a"b`, "t", "x = 1 OR y = 2", false), `SELECT count(*) FROM ONLY "a""b"."t" WHERE (x = 1 OR y = 2)`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		in, url, schema string
		ok              bool
	}{
		{"postgres://u:p@h:5432/db", "postgres://u:p@h:5432/db", "public", true},
		{"postgresql://u@h/db?schema=billing&sslmode=disable", "postgresql://u@h/db?sslmode=disable", "billing", true},
		{"postgres://h/db?schema=My%20Schema", "postgres://h/db", "My Schema", true},
		{"postgres://h/db?schema=", "", "", false},
		{"mysql://h/db", "", "", false},
		{"://nonsense", "", "", false},
	}
	for _, c := range cases {
		u, schema, err := ParseURL(c.in)
		if (err == nil) != c.ok || u != c.url || schema != c.schema {
			t.Errorf("ParseURL(%q) = %q, %q, %v; want %q, %q, ok=%v", c.in, u, schema, err, c.url, c.schema, c.ok)
		}
	}
}

func TestSummarySQL(t *testing.T) {
	types := map[string]sluice.Type{
		"a": {Kind: sluice.KindInt, Raw: "integer"},
		"b": {Kind: sluice.KindDecimal, Raw: "numeric(10,2)"},
		"v": {Kind: sluice.KindText, Raw: "text"},
	}
	req := sluice.SummaryRequest{
		ReadRequest: sluice.ReadRequest{Table: "t", Columns: []string{"v"}, Key: []string{"a", "b"},
			After: []any{int64(1), "2.50"}, Limit: 5, Where: "v = 'x' OR v = 'y'"},
		Upto: []any{int64(3), "1.00"},
	}
	q, args, err := SummarySQL("s", req, types, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `SELECT count(*), coalesce(bit_xor(('x' || substr(m, 1, 16))::bit(64)::bigint), 0), ` +
		`coalesce(bit_xor(('x' || substr(m, 17, 16))::bit(64)::bigint), 0) ` +
		`FROM (SELECT md5(ROW("v", "a", "b")::text) AS m FROM ONLY "s"."t" WHERE (v = 'x' OR v = 'y') ` +
		`AND ("s"."t"."a", "s"."t"."b") > ($1, $2::text::numeric(10,2)) AND ("s"."t"."a", "s"."t"."b") <= ($3, $4::text::numeric(10,2)) ` +
		`ORDER BY "s"."t"."a", "s"."t"."b" LIMIT 5) s`
	if q != want || fmt.Sprint(args) != "[1 2.50 3 1.00]" {
		t.Errorf("got\n%s %v\nwant\n%s", q, args, want)
	}
	if q, _, _ := SummarySQL("s", sluice.SummaryRequest{ReadRequest: sluice.ReadRequest{Table: "t", Key: []string{"a"}}}, types, true); !strings.Contains(q, `FROM "s"."t"`) || strings.Contains(q, "ONLY") {
		t.Errorf("partitioned: %s", q)
	}
}
