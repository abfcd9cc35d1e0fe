package mysql

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, m, d, h, mi, s, ns, time.UTC)
	}
	cases := []struct {
		in   string
		want any
	}{
		{"2024-02-29", utc(2024, 2, 29, 0, 0, 0, 0)},
		{"1000-01-01", utc(1000, 1, 1, 0, 0, 0, 0)},
		{"9999-12-31 23:59:59", utc(9999, 12, 31, 23, 59, 59, 0)},
		{"2015-06-30 12:34:56.5", utc(2015, 6, 30, 12, 34, 56, 500000000)},
		{"2015-06-30 12:34:56.123456", utc(2015, 6, 30, 12, 34, 56, 123456000)},
		{"0000-00-00", "0000-00-00"},
		{"0000-00-00 00:00:00", "0000-00-00 00:00:00"},
		{"2023-02-29", "2023-02-29"}, // not a leap year: no silent roll-over to March 1
		{"2024-04-31", "2024-04-31"},
		{"2024-00-10", "2024-00-10"},
		{"2024-13-01", "2024-13-01"},
		{"2024-01-01 24:00:00", "2024-01-01 24:00:00"},
		{"2024-01-01 12:60:00", "2024-01-01 12:60:00"},
		{"2024-01-01 12:00:00.", "2024-01-01 12:00:00."},
		{"2024-01-01T12:00:00", "2024-01-01T12:00:00"},
		{"garbage!!!", "garbage!!!"},
	}
	for _, c := range cases {
		if got := parseTime([]byte(c.in)); got != c.want {
			t.Errorf("parseTime(%q) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestParseInteger(t *testing.T) {
	cases := map[string]any{
		"0": int64(0), "-1": int64(-1), "2": int64(2), "123456789012345678": int64(123456789012345678),
		"9223372036854775807": int64(9223372036854775807), "-9223372036854775808": int64(-9223372036854775808),
		"18446744073709551615": uint64(18446744073709551615),
	}
	for in, want := range cases {
		if got, err := parseInteger([]byte(in)); err != nil || got != want {
			t.Errorf("parseInteger(%q) = %#v, %v; want %#v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-", "1x", "18446744073709551616"} {
		if _, err := parseInteger([]byte(bad)); err == nil {
			t.Errorf("parseInteger(%q) succeeded", bad)
		}
	}
}

func BenchmarkParseTime(b *testing.B) {
	raw := []byte("2015-06-30 12:34:56")
	for b.Loop() {
		parseTime(raw)
	}
}
