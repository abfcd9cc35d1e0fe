package sqlexpr

import "testing"

func TestWriteText(t *testing.T) {
	toks, err := TokenizeText("mysql", "select `t`.`a` AS `x\"y`, count(*) from `t` where `t`.`b` in ('it\\'s', 2, 'a\\_b') order by 1")
	if err != nil {
		t.Fatal(err)
	}
	want := `select "t"."a" AS "x""y", count(*) from "t" where "t"."b" in('it''s', 2, E'a\\_b') order by 1`
	if got := WriteText(toks); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestTokenizeTextRefuses(t *testing.T) {
	for _, c := range []struct{ engine, in string }{
		{"mysql", "'open"}, {"postgres", `"open`}, {"mysql", "x'ff'"}, {"mysql", "0b101"}, {"postgres", "'a\x00b'"},
		{"sqlite", "[open"}, {"csv", "a"},
	} {
		if got, err := TokenizeText(c.engine, c.in); err == nil {
			t.Errorf("%s %q: got %v, want an error", c.engine, c.in, got)
		}
	}
}

// FuzzWriteText checks that what WriteText writes reads back, as
// PostgreSQL, as the same tokens.
func FuzzWriteText(f *testing.F) {
	f.Add("select `a` from t where x = 'y'")
	f.Add(`SELECT "a""b" FROM t`)
	f.Add(`select 1.5e3, 'a\'b' from [t]`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range []string{"mysql", "postgres", "sqlite", "sqlserver"} {
			toks, err := TokenizeText(e, s)
			if err != nil {
				continue
			}
			again, err := TokenizeText("postgres", WriteText(toks))
			if err != nil {
				t.Fatalf("%s: written %q does not tokenize: %v", e, WriteText(toks), err)
			}
			if len(again) != len(toks) {
				t.Fatalf("%s: %q -> %q: %d tokens, then %d", e, s, WriteText(toks), len(toks), len(again))
			}
			for i := range toks {
				if again[i].Kind != toks[i].Kind || again[i].Text != toks[i].Text && toks[i].Kind != Ident {
					t.Fatalf("%s: %q -> %q: token %d %v became %v", e, s, WriteText(toks), i, toks[i], again[i])
				}
			}
		}
	})
}
