package sluice

import (
	"strings"
	"testing"
	"time"
)

func TestRowSize(t *testing.T) {
	cases := []struct {
		name string
		vals []any
		want int64
	}{
		{"empty", nil, 0},
		{"null", []any{nil}, 16},
		{"text", []any{strings.Repeat("x", 1000)}, 1016},
		{"bytes and int", []any{make([]byte, 500), int64(7)}, 16 + 500 + 16 + 8},
		{"time", []any{time.Unix(0, 0)}, 16 + 24},
		{"geometry", []any{Geometry{SRID: 4326, WKB: make([]byte, 21)}}, 16 + 8 + 21},
		{"invalid", []any{Invalid{Reason: "bad", Raw: []byte("abc")}}, 16 + 6},
	}
	for _, c := range cases {
		if got := RowSize(c.vals); got != c.want {
			t.Errorf("%s: RowSize = %d, want %d", c.name, got, c.want)
		}
	}
}
