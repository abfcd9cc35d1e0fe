package sqlite

import "testing"

func TestSplitCreateIndex(t *testing.T) {
	cases := []struct{ stmt, parts, where string }{
		{`CREATE INDEX a ON t (lower(code))`, "lower(code)", ""},
		{`CREATE UNIQUE INDEX "a(" ON "t (x)" ( "c)", substr(b, 1, 2) ) WHERE x > ')' AND y IS NOT NULL`,
			`"c)", substr(b, 1, 2)`, `x > ')' AND y IS NOT NULL`},
		{"CREATE INDEX [i] ON [t] (`a``)` COLLATE NOCASE) where a <> ''''", "`a``)` COLLATE NOCASE", "a <> ''''"},
	}
	for _, c := range cases {
		parts, where, err := splitCreateIndex(c.stmt)
		if err != nil || parts != c.parts || where != c.where {
			t.Errorf("%s: got %q, %q, %v; want %q, %q", c.stmt, parts, where, err, c.parts, c.where)
		}
	}
	for _, bad := range []string{`CREATE INDEX a ON t`, `CREATE INDEX a ON t ('x`} {
		if _, _, err := splitCreateIndex(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
