package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
)

func TestQuoteIdent(t *testing.T) {
	cases := map[string]string{
		"people":     `"people"`,
		"order":      `"order"`,
		`a"b`:        `"a""b"`,
		`""`:         `""""""`,
		"größe":      `"größe"`,
		"with space": `"with space"`,
	}
	for in, want := range cases {
		if got := QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCountSQL(t *testing.T) {
	if got, want := CountSQL("order", ""), `SELECT count(*) FROM "order"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := CountSQL("t", "a = 1 OR b = 2"), `SELECT count(*) FROM "t" WHERE (a = 1 OR b = 2)`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestReadSQL(t *testing.T) {
	cases := []struct {
		name string
		req  sluice.ReadRequest
		sql  string
		args []any
	}{
		{"whole table, no key", sluice.ReadRequest{Table: "no_key", Columns: []string{"x", "y"}},
			`SELECT +"x", +"y" FROM "no_key"`, nil},
		{"first page", sluice.ReadRequest{Table: "people", Columns: []string{"id", "name"}, Key: []string{"id"}, Limit: 2},
			`SELECT +"id", +"name", +"id" FROM "people" ORDER BY "id" LIMIT 2`, nil},
		{"next page", sluice.ReadRequest{Table: "people", Columns: []string{"name"}, Key: []string{"id"}, After: []any{int64(2)}, Limit: 2},
			`SELECT +"name", +"id" FROM "people" WHERE "id" > ? ORDER BY "id" LIMIT 2`, []any{int64(2)}},
		{"composite key", sluice.ReadRequest{Table: "pairs", Columns: []string{"v"}, Key: []string{"a", "b"}, After: []any{int64(1), "y"}},
			`SELECT +"v", +"a", +"b" FROM "pairs" WHERE ("a", "b") > (?, ?) ORDER BY "a", "b"`, []any{int64(1), "y"}},
		{"row id with filter", sluice.ReadRequest{Table: "no_key", Columns: []string{"x"}, Key: []string{"rowid"}, After: []any{int64(7)}, Where: "x = 1 OR x = 2", Limit: 10},
			`SELECT +"x", +"rowid" FROM "no_key" WHERE (x = 1 OR x = 2) AND "rowid" > ? ORDER BY "rowid" LIMIT 10`, []any{int64(7)}},
		{"quoted names", sluice.ReadRequest{Table: `we"ird`, Columns: []string{"select"}, Key: []string{`k"`}},
			`SELECT +"select", +"k""" FROM "we""ird" ORDER BY "k"""`, nil},
		{"filter without key", sluice.ReadRequest{Table: "t", Columns: []string{"a"}, Where: "a > 0"},
			`SELECT +"a" FROM "t" WHERE (a > 0)`, nil},
	}
	for _, c := range cases {
		sql, args := ReadSQL(c.req)
		if sql != c.sql || fmt.Sprint(args) != fmt.Sprint(c.args) {
			t.Errorf("%s:\n got  %s %v\n want %s %v", c.name, sql, args, c.sql, c.args)
		}
	}
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		url, want string
		ok        bool
	}{
		{"sqlite:///data/pharmacy.db", "/data/pharmacy.db", true},
		{"sqlite:/data/pharmacy.db", "/data/pharmacy.db", true},
		{"sqlite:data/pharmacy.db", "", true}, // relative: checked below
		{"sqlite://data/pharmacy.db", "", false},
		{"sqlite:", "", false},
		{"postgres://x/y", "", false},
	}
	for _, c := range cases {
		got, err := ParseURL(c.url)
		if (err == nil) != c.ok {
			t.Errorf("ParseURL(%q): error %v, want ok=%v", c.url, err, c.ok)
			continue
		}
		if c.want != "" && got != c.want {
			t.Errorf("ParseURL(%q) = %q, want %q", c.url, got, c.want)
		}
	}
	dir := t.TempDir()
	t.Chdir(dir)
	rel, err := ParseURL("sqlite:data/pharmacy.db")
	if want := filepath.Join(dir, "data/pharmacy.db"); err != nil || rel != want {
		t.Errorf("relative URL: got %q (%v), want %q", rel, err, want)
	}
}

func TestDSN(t *testing.T) {
	got := DSN("/tmp/a b?#%.db", 1500*time.Millisecond)
	want := "file:///tmp/a%20b%3F%23%25.db?_pragma=busy_timeout%281500%29&_pragma=query_only%281%29&mode=ro"
	if got != want {
		t.Errorf("DSN:\n got  %s\n want %s", got, want)
	}
}
