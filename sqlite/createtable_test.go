package sqlite

import (
	"fmt"
	"testing"
)

func TestParseCreateTable(t *testing.T) {
	cases := []struct{ sql, want string }{
		{`CREATE TABLE t (a INTEGER PRIMARY KEY CHECK (a > 0), b TEXT DEFAULT 'x,(y' CHECK(length(b) < 5))`,
			`[{ a a > 0} { b length(b) < 5}] map[]`},
		{`CREATE TABLE "t" ("a b" NUMERIC(10, 2) CONSTRAINT pos CHECK ("a b" >= 0), c INT,
			CONSTRAINT two CHECK (c IN (1, 2)), CHECK ((c > 0) OR "a b" > 0), UNIQUE (c), FOREIGN KEY (c) REFERENCES p (id))`,
			`[{pos a b "a b" >= 0} {two  c IN (1, 2)} {  (c > 0) OR "a b" > 0}] map[]`},
		{`CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, [c] TEXT AS (upper('x' || a)) VIRTUAL,
			-- a comment, with a comma
			d TEXT /* CHECK (no) */ CHECK (d <> ''))`,
			`[{ d d <> ''}] map[b:a * 2 c:upper('x' || a)]`},
		{`CREATE TABLE w (k TEXT PRIMARY KEY, v) WITHOUT ROWID`, `[] map[]`},
	}
	for _, c := range cases {
		got, err := parseCreateTable(c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if s := fmt.Sprint(got.checks, " ", got.generated); s != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.sql, s, c.want)
		}
	}
	for _, bad := range []string{`CREATE TABLE t (a INT CHECK (a > 0)`, `CREATE VIEW v AS SELECT 1`, `CREATE TABLE t (a 'x)`} {
		if got, err := parseCreateTable(bad); err == nil {
			t.Errorf("%s: %+v, want an error", bad, got)
		}
	}
}
