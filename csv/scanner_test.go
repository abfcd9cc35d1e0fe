package csvsrc

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// scanned is a record as the tests compare it.
type scanned struct {
	fields     string // fields joined by "|", a quoted one in [brackets]
	line, last int
	bad        string // a part of the reason
	raw        string
}

func scanAll(t *testing.T, input string, d *dialect, skipBlank bool, r io.Reader) []scanned {
	t.Helper()
	if r == nil {
		r = strings.NewReader(input)
	}
	sc := newScanner(r, d, skipBlank, 1, 0)
	var out []scanned
	for {
		rec, err := sc.next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("scan %q: %v", input, err)
		}
		var parts []string
		for i, f := range rec.fields {
			if rec.quoted[i] {
				parts = append(parts, "["+string(f)+"]")
			} else {
				parts = append(parts, string(f))
			}
		}
		out = append(out, scanned{strings.Join(parts, "|"), rec.line, rec.last, rec.bad, string(rec.raw)})
	}
}

func testDialect(t *testing.T, f Format) *dialect {
	t.Helper()
	d := resolve(f, "", func(key, msg string) { t.Fatalf("dialect %s: %s", key, msg) })
	return d
}

func str(s string) *string { return &s }

func TestScannerRecords(t *testing.T) {
	d := testDialect(t, Format{})
	cases := []struct {
		in   string
		want []scanned
	}{
		{"a,b\n1,2\n", []scanned{{"a|b", 1, 1, "", "a,b"}, {"1|2", 2, 2, "", "1,2"}}},
		{"a,b\r\n1,2", []scanned{{"a|b", 1, 1, "", "a,b"}, {"1|2", 2, 2, "", "1,2"}}},
		{`"x,y","say ""hi""",""` + "\n", []scanned{{`[x,y]|[say "hi"]|[]`, 1, 1, "", `"x,y","say ""hi""",""`}}},
		{"\"two\nlines\",3\nnext,4\n", []scanned{{"[two\nlines]|3", 1, 2, "", "\"two\nlines\",3"}, {"next|4", 3, 3, "", "next,4"}}},
		{"a,,\n", []scanned{{"a||", 1, 1, "", "a,,"}}},
		{"a\rb,c\n", []scanned{{"a\rb|c", 1, 1, "", "a\rb,c"}}},
		{"\n\na,b\n\n\nc,d\n\n", []scanned{{"a|b", 3, 3, "", "a,b"}, {"c|d", 6, 6, "", "c,d"}}},
		{`a,b"c,d` + "\nnext,1\n", []scanned{{"a|b", 1, 1, "a quote inside an unquoted field", `a,b"c,d`}, {"next|1", 2, 2, "", "next,1"}}},
		{`"a"b,c` + "\r\nnext\n", []scanned{{"[a]", 1, 1, "text after a closing quote", `"a"b,c`}, {"next", 2, 2, "", "next"}}},
		{"1,\"open\n2,3\n", []scanned{{"1|[open\n2,3\n]", 1, 2, "a quote opened on line 1 is never closed", "1,\"open\n2,3\n"}}},
	}
	for _, c := range cases {
		got := scanAll(t, c.in, d, true, nil)
		if len(got) != len(c.want) {
			t.Errorf("scan %q: %d records %+v, want %d", c.in, len(got), got, len(c.want))
			continue
		}
		for i, w := range c.want {
			g := got[i]
			if (w.bad == "" && g.fields != w.fields) || g.line != w.line || g.last != w.last || g.raw != w.raw || !strings.Contains(g.bad, w.bad) || (w.bad == "") != (g.bad == "") {
				t.Errorf("scan %q record %d:\n got  %+v\n want %+v", c.in, i+1, g, w)
			}
		}
	}
}

// TestScannerOneColumnKeepsEmptyLines: in a one-column table an empty line
// is a record (an empty field, NULL by default), never skipped.
func TestScannerOneColumnKeepsEmptyLines(t *testing.T) {
	got := scanAll(t, "a\n\nb\n", testDialect(t, Format{}), false, nil)
	want := []string{"a", "", "b"}
	if len(got) != 3 {
		t.Fatalf("got %+v, want fields %q", got, want)
	}
	for i, w := range want {
		if got[i].fields != w || got[i].line != i+1 {
			t.Errorf("record %d = %+v, want %q on line %d", i+1, got[i], w, i+1)
		}
	}
}

func TestScannerEscapeAndDialects(t *testing.T) {
	cases := []struct {
		f    Format
		in   string
		want string
	}{
		{Format{Escape: str(`\`)}, `"a\"b",c\,d,e\` + "\n" + "f\n", "[a\"b]|c,d|e\nf"},
		{Format{Delimiter: str(";"), Quote: str("'")}, "'a;b';\"c\"\n", `[a;b]|"c"`},
		{Format{Delimiter: str(`\t`)}, "a\tb,c\n", "a|b,c"},
		{Format{Quote: str("")}, `"a",b` + "\n", `"a"|b`},
		{Format{Escape: str(`"`)}, `"a""b"` + "\n", `[a"b]`}, // an escape equal to the quote is the doubled-quote rule
	}
	for _, c := range cases {
		got := scanAll(t, c.in, testDialect(t, c.f), true, nil)
		if len(got) != 1 || got[0].fields != c.want || got[0].bad != "" {
			t.Errorf("scan %q with %s: got %+v, want one record %q", c.in, testDialect(t, c.f).describe(), got, c.want)
		}
	}
}

func TestScannerEscapeAtEnd(t *testing.T) {
	got := scanAll(t, `a,b\`, testDialect(t, Format{Escape: str(`\`)}), true, nil)
	if len(got) != 1 || !strings.Contains(got[0].bad, "escape character at the end") {
		t.Errorf("got %+v, want one malformed record", got)
	}
}

// TestScannerTooLong: a record longer than the limit is read to its end
// (the next record is intact) but comes back malformed, its raw text cut.
func TestScannerTooLong(t *testing.T) {
	d := testDialect(t, Format{MaxRecordBytes: 1024})
	long := strings.Repeat("x", 3000)
	got := scanAll(t, "a,\""+long+"\"\nb,c\n", d, true, nil)
	if len(got) != 2 || !strings.Contains(got[0].bad, "longer than 1024 bytes") || len(got[0].raw) > 1024 {
		t.Fatalf("got %d records, first bad %q raw %d bytes", len(got), got[0].bad, len(got[0].raw))
	}
	if got[1].fields != "b|c" || got[1].line != 2 {
		t.Errorf("the record after the long one: %+v", got[1])
	}
}

// TestScannerByteAtATime: records do not depend on how the input arrives.
func TestScannerByteAtATime(t *testing.T) {
	in := "id,note\r\n1,\"a \"\"b\"\"\r\nc\"\r\n\r\n2,plain\r\n3,\"x\"y\n"
	d := testDialect(t, Format{})
	whole := scanAll(t, in, d, true, nil)
	slow := scanAll(t, in, d, true, iotest.OneByteReader(strings.NewReader(in)))
	if fmt.Sprint(whole) != fmt.Sprint(slow) {
		t.Errorf("byte at a time:\n %+v\nwhole:\n %+v", slow, whole)
	}
	if len(whole) != 4 {
		t.Errorf("got %d records, want 4: %+v", len(whole), whole)
	}
}
