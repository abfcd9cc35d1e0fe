package lineage

import (
	"slices"
	"testing"

	"github.com/sluicedb/sluice"
)

// SplitKey reads what sluice.KeyText writes, escapes included, and joinKey
// writes it back.
func TestSplitKeyInvertsKeyText(t *testing.T) {
	for _, key := range [][]any{
		{"1", "3402"},
		{"a|b", "c"},
		{"a", "b|c"},
		{`back\slash`, `|`},
		{"", "x", ""},
		{`\`, `\|`},
	} {
		text := sluice.KeyText(key)
		parts, ok := SplitKey(text, len(key))
		want := make([]string, len(key))
		for i, v := range key {
			want[i] = v.(string)
		}
		if !ok || !slices.Equal(parts, want) {
			t.Errorf("SplitKey(%q, %d) = %q, %v; want %q", text, len(key), parts, ok, want)
		}
		if back := joinKey(parts); back != text {
			t.Errorf("joinKey(%q) = %q, want %q", parts, back, text)
		}
	}
}

// A single value is its text as it is: a '|' in it is not a separator.
func TestSplitKeySingleValue(t *testing.T) {
	if parts, ok := SplitKey("a|b", 1); !ok || !slices.Equal(parts, []string{"a|b"}) {
		t.Errorf("SplitKey single = %q, %v", parts, ok)
	}
	if _, ok := SplitKey("1|2|3", 2); ok {
		t.Error("three parts accepted for a key of two")
	}
	if _, ok := SplitKey("1", 2); ok {
		t.Error("one part accepted for a key of two")
	}
}
