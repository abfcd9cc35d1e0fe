package sqltext

import (
	"reflect"
	"testing"
)

func TestTokenize(t *testing.T) {
	cases := []struct {
		engine, in string
		want       []Token
	}{
		{MySQL, "select `db`.`t`.`a` AS `a``b` from `t` where (`x` = 'it\\'s' and y <> \"q\") # note",
			[]Token{{Word, "select"}, {Quoted, "db"}, {Op, "."}, {Quoted, "t"}, {Op, "."}, {Quoted, "a"}, {Word, "AS"}, {Quoted, "a`b"},
				{Word, "from"}, {Quoted, "t"}, {Word, "where"}, {Op, "("}, {Quoted, "x"}, {Op, "="}, {String, "it's"}, {Word, "and"},
				{Word, "y"}, {Op, "<>"}, {String, "q"}, {Op, ")"}}},
		{MySQL, "_utf8mb4'caf\xc3\xa9' like 'a\\_b%'", []Token{{String, "café"}, {Word, "like"}, {String, `a\_b%`}}},
		{Postgres, `SELECT t."Name", upper(t.email) AS e FROM t WHERE t.n > 1.5e3 AND t.email ~~ 'a%'::text; -- c`,
			[]Token{{Word, "SELECT"}, {Word, "t"}, {Op, "."}, {Quoted, "Name"}, {Op, ","}, {Word, "upper"}, {Op, "("}, {Word, "t"}, {Op, "."},
				{Word, "email"}, {Op, ")"}, {Word, "AS"}, {Word, "e"}, {Word, "FROM"}, {Word, "t"}, {Word, "WHERE"}, {Word, "t"}, {Op, "."},
				{Word, "n"}, {Op, ">"}, {Number, "1.5e3"}, {Word, "AND"}, {Word, "t"}, {Op, "."}, {Word, "email"}, {Op, "~~"},
				{String, "a%"}, {Op, "::"}, {Word, "text"}, {Op, ";"}}},
		{SQLite, `SELECT [a b], "c""d", 'e''f' /* x */ FROM t`,
			[]Token{{Word, "SELECT"}, {Quoted, "a b"}, {Op, ","}, {Quoted, `c"d`}, {Op, ","}, {String, "e'f"}, {Word, "FROM"}, {Word, "t"}}},
	}
	for _, c := range cases {
		got, err := Tokenize(c.engine, c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %q:\n got %v %v\nwant %v", c.engine, c.in, got, err, c.want)
		}
	}
}

func TestTokenizeErrors(t *testing.T) {
	for _, c := range []struct{ engine, in string }{
		{MySQL, "'open"}, {Postgres, `"open`}, {MySQL, "x'ff'"}, {Postgres, "E'\\n'"}, {Postgres, "a ? b"}, {SQLite, "[open"},
	} {
		if got, err := Tokenize(c.engine, c.in); err == nil {
			t.Errorf("%s %q: got %v, want an error", c.engine, c.in, got)
		}
	}
}

func TestWrite(t *testing.T) {
	toks, err := Tokenize(MySQL, "select `t`.`a` AS `x\"y`, count(*) from `t` where `t`.`b` in ('it\\'s', 2) order by 1")
	if err != nil {
		t.Fatal(err)
	}
	want := `select "t"."a" AS "x""y", count(*) from "t" where "t"."b" in('it''s', 2) order by 1`
	if got := Write(toks); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func FuzzTokenize(f *testing.F) {
	f.Add("select `a` from t where x = 'y'")
	f.Add(`SELECT "a""b" FROM t`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range []string{MySQL, Postgres, SQLite} {
			toks, err := Tokenize(e, s)
			if err != nil {
				continue
			}
			again, err := Tokenize(Postgres, Write(toks))
			if err != nil {
				t.Fatalf("%s: written %q does not tokenize: %v", e, Write(toks), err)
			}
			if len(again) != len(toks) {
				t.Fatalf("%s: %q -> %q: %d tokens, then %d", e, s, Write(toks), len(toks), len(again))
			}
		}
	})
}
