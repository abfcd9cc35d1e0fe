package csvsrc

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzScanner: whatever the input, the scanner ends; it finds the same
// records however the input arrives; counting (discard) finds as many as
// reading; and every input byte belongs to one record or its line break.
func FuzzScanner(f *testing.F) {
	for _, seed := range []string{"a,b\n1,2\n", "\"x\"\"y\",\"\n\"\r\n", "a\"b,c\n\"open", "\n\n,\n\r\n\\", "\"a\"b\nc"} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, in string, escape bool) {
		format := Format{MaxRecordBytes: 1024}
		if escape {
			format.Escape = sp(`\`)
		}
		d := resolve(format, "", func(key, msg string) { t.Fatalf("%s: %s", key, msg) })
		whole := fuzzScan(t, strings.NewReader(in), d, false)
		slow := fuzzScan(t, iotest.OneByteReader(strings.NewReader(in)), d, false)
		if fmt.Sprint(whole) != fmt.Sprint(slow) {
			t.Fatalf("%q: whole %v, byte at a time %v", in, whole, slow)
		}
		if counted := fuzzScan(t, strings.NewReader(in), d, true); len(counted) != len(whole) {
			t.Fatalf("%q: read %d records, counted %d", in, len(whole), len(counted))
		}
	})
}

func fuzzScan(t *testing.T, r io.Reader, d *dialect, discard bool) []string {
	sc := newScanner(r, d, true, 1, 0)
	sc.discard = discard
	var out []string
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatal("no end")
		}
		rec, err := sc.next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d-%d %q %q %s", rec.line, rec.last, rec.fields, rec.raw, rec.bad))
	}
}

func TestTimeFormats(t *testing.T) {
	cases := []struct {
		format, in, want string // want "" is an error
	}{
		{"%d.%m.%Y", "31.12.1999", "1999-12-31T00:00:00Z"},
		{"%d %b %Y", "5 mar 2024", "2024-03-05T00:00:00Z"},
		{"%B %d, %Y", "February 29, 2024", "2024-02-29T00:00:00Z"},
		{"%Y-%m-%d %H:%M:%S.%f", "2024-01-02 03:04:05.123456", "2024-01-02T03:04:05.123456Z"},
		{"%Y%m%d%H%M%z", "202401020304+0130", "2024-01-02T01:34:00Z"},
		{"%Y-%m-%dT%H:%M:%S%z", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"},
		{"%m/%d/%Y %I:%M %p", "12/31/2023 12:00 PM", "2023-12-31T12:00:00Z"},
		{"%d.%m.%Y", "31.02.2024", ""}, {"%d.%m.%Y", "31.12.24", ""}, {"%d.%m.%Y", "1.1.2024 ", ""},
		{"%m/%d/%Y %I:%M %p", "12/31/2023 13:00 PM", ""},
	}
	for _, c := range cases {
		f, err := parseTimeFormat(c.format)
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		v, err := f.parse(c.in)
		got := ""
		if err == nil {
			if x, err := v.instant(); err == nil {
				got = x.Format("2006-01-02T15:04:05.999999999Z07:00")
			}
		}
		if got != c.want {
			t.Errorf("%s %q = %q (%v), want %q", c.format, c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"%Y-%m", "%d/%m/%Y %I:%M", "%Y-%m-%d %Q", "%Y-%m-%d %"} {
		if _, err := parseTimeFormat(bad); err == nil {
			t.Errorf("format %q accepted", bad)
		}
	}
}
