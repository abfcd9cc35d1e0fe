package stream

import (
	"testing"
	"time"
)

// A key change is found by comparing the old row's key with the new one's:
// the common key types directly, the others (slices cannot be compared with
// ==) by type and text.
func TestSameKey(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		a, b []any
		want bool
	}{
		{[]any{int64(7)}, []any{int64(7)}, true},
		{[]any{int64(7)}, []any{int64(8)}, false},
		{[]any{int64(7)}, []any{int32(7)}, false},
		{[]any{"a", int64(1)}, []any{"a", int64(1)}, true},
		{[]any{"a", int64(1)}, []any{"A", int64(1)}, false},
		{[]any{[16]byte{1}}, []any{[16]byte{1}}, true},
		{[]any{[16]byte{1}}, []any{[16]byte{2}}, false},
		{[]any{[]byte("k")}, []any{[]byte("k")}, true},
		{[]any{[]byte("k")}, []any{[]byte("l")}, false},
		{[]any{at}, []any{at}, true},
		{[]any{at}, []any{at.Add(time.Second)}, false},
		{[]any{int64(1)}, []any{int64(1), int64(2)}, false},
	}
	for _, c := range cases {
		if got := sameKey(c.a, c.b); got != c.want {
			t.Errorf("sameKey(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
