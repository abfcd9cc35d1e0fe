package sqlexpr

import (
	"fmt"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	cases := []struct {
		d    Dialect
		src  string
		want string
	}{
		{MySQL, "`a``b` <> 'it''s' -- no\n", "Q:a`b O:<> S:it's"},
		{MySQL, `"dq" = 'x\'y\\z\n'`, "S:dq O:= S:x'y\\z\n"},
		{MySQL, `'\%\_'`, `S:\%\_`},
		{MySQL, "_utf8mb4'abc' # comment", "S:abc"},
		{MySQL, "x'0aFF' b'101' 0x1F 0b11 X'00'", "H:0aFF B:101 H:1F B:11 H:00"},
		{MySQL, "1.5e-3 .5 7 /* c */ a$b", "N:1.5e-3 N:.5 N:7 I:a$b"},
		{MySQL, "a<=>b && c||d != e", "I:a O:<=> I:b O:&& I:c O:|| I:d O:!= I:e"},
		{SQLite, `[Name] "x""y" ` + "`z`", `Q:Name Q:x"y Q:z`},
		{SQLite, `'a\n'`, `S:a\n`},
		{Postgres, `(name)::text ~~ E'a\\b' AND "Q"""`, `O:( I:name O:) O::: I:text O:~~ S:a\b I:AND Q:Q"`},
		{Postgres, "'a''b' !~~* 'c'", "S:a'b O:!~~* S:c"},
		{Postgres, "`x`", "error: unexpected character '`' at offset 0"},
		{MySQL, "'open", "error: unterminated string at offset 0"},
		{MySQL, "/* open", "error: unterminated comment at offset 0"},
		{MySQL, "12abc", "error: malformed number at offset 0"},
		{MySQL, "x'0g'", "error: malformed hex literal at offset 0"},
	}
	for _, c := range cases {
		if got := tokenText(c.d, c.src); got != c.want {
			t.Errorf("%s %q:\n got  %s\n want %s", c.d, c.src, got, c.want)
		}
	}
}

func tokenText(d Dialect, src string) string {
	toks, err := Tokenize(d, src)
	if err != nil {
		return "error: " + err.Error()
	}
	var parts []string
	for _, t := range toks {
		if t.Kind != EOF {
			parts = append(parts, fmt.Sprintf("%c:%s", "EIQSNHBO"[t.Kind], t.Text))
		}
	}
	return strings.Join(parts, " ")
}

// Positions let a caller cut the source text of a part of the input, as
// SQLite's CHECK clauses are cut out of CREATE TABLE.
func TestTokenPositions(t *testing.T) {
	src := "a = 'x''y' AND `b c` > 1.5"
	toks, err := Tokenize(MySQL, src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks[:len(toks)-1] {
		got = append(got, src[tk.Pos:tk.End])
	}
	if want := "a|=|'x''y'|AND|`b c`|>|1.5"; strings.Join(got, "|") != want {
		t.Errorf("token texts %s, want %s", strings.Join(got, "|"), want)
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"a = ":                    "unexpected end",
		"(a = 1":                  "expected )",
		"a = 1)":                  "unexpected \")\"",
		"a BETWEEN 1":             "expected AND",
		"a IS 5":                  "after IS",
		"CASE END":                "CASE without WHEN",
		"CAST(a AS)":              "expected a type",
		"a NOT 5":                 "after NOT",
		"a " + deep(300, "") + "": "nested too deeply",
	}
	for src, want := range cases {
		_, err := Parse(MySQL, src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", src, err, want)
		}
	}
}

func deep(n int, inner string) string {
	return "= " + strings.Repeat("(", n) + "1" + inner + strings.Repeat(")", n)
}

// FuzzTokenize: no input makes the tokenizer panic or loop, and tokens
// cover increasing, non-overlapping ranges of the input.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"`a` > 0", "'it''s' || x'0A'", "E'\\n'::text", "[a] LIKE 'b%' ESCAPE '\\'", "1.5e+3 /* c */ -- d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []Dialect{MySQL, Postgres, SQLite} {
			toks, err := Tokenize(d, s)
			if err != nil {
				continue
			}
			end := 0
			for _, tk := range toks {
				if tk.Pos < end || tk.End < tk.Pos || tk.End > len(s) {
					t.Fatalf("%s %q: token %+v outside [%d, %d]", d, s, tk, end, len(s))
				}
				end = tk.End
			}
		}
	})
}

// FuzzCheck: no input makes the translator panic, and whatever it
// translates is an expression PostgreSQL's own dialect reads back.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"`Qty` > 0 and `Name` like 'a%'", "Qty BETWEEN 1 AND 2", "status = ANY (ARRAY['a'::text])",
		"case when Active then 1 else 0 end = 1", "coalesce(Qty, '5') > -1", "NOT (Born > '2020-01-01')"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []Dialect{MySQL, Postgres, SQLite} {
			out, err := Check(env(d), s)
			if err != nil {
				continue
			}
			if _, err := Parse(Postgres, out); err != nil {
				t.Fatalf("%s %q translated to %q, which does not parse: %v", d, s, out, err)
			}
			for _, typ := range []string{"integer", "text", "timestamp", "boolean"} {
				if out, err := Default(env(d), s, typ, nil); err == nil {
					if _, err := Parse(Postgres, out); err != nil {
						t.Fatalf("%s default %q translated to %q, which does not parse: %v", d, s, out, err)
					}
				}
			}
		}
	})
}
