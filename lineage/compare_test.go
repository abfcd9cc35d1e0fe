package lineage

import (
	"testing"
	"time"

	"github.com/sluicedb/sluice/target"
)

// Each part is read as the type of the ledger's bound: integers compare as
// numbers (9 < 10, where text would say otherwise), strings by bytes, times
// as instants whatever their notation, composite keys part by part.
func TestCompareKey(t *testing.T) {
	day := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		parts []string
		bound []any
		want  int
	}{
		{"int less", []string{"9"}, []any{int64(10)}, -1},
		{"int equal", []string{"500"}, []any{int64(500)}, 0},
		{"int greater", []string{"501"}, []any{int64(500)}, 1},
		{"negative int", []string{"-3"}, []any{int64(-20)}, 1},
		{"uint beyond int64", []string{"18446744073709551615"}, []any{uint64(1 << 63)}, 1},
		{"float", []string{"2.5"}, []any{float64(2.25)}, 1},
		{"string bytewise", []string{"B"}, []any{"a"}, -1}, // 'B' (0x42) < 'a' (0x61)
		{"string prefix", []string{"ab"}, []any{"abc"}, -1},
		{"string utf8 bytes", []string{"é"}, []any{"z"}, 1},
		{"string equal", []string{"Smith"}, []any{"Smith"}, 0},
		{"bytes", []string{"0x0102"}, []any{[]byte{1, 3}}, -1},
		{"time RFC 3339", []string{"2024-03-01T10:00:00Z"}, []any{day}, 0},
		{"time other zone", []string{"2024-03-01T11:00:00+02:00"}, []any{day}, -1},
		{"time without zone", []string{"2024-03-01T10:00:00.5"}, []any{day}, 1},
		{"date", []string{"2024-03-02"}, []any{day}, 1},
		{"bool", []string{"false"}, []any{true}, -1},
		{"uuid", []string{"00000000-0000-0000-0000-000000000002"}, []any{[16]byte{15: 1}}, 1},
		{"composite first part decides", []string{"1", "3402"}, []any{int64(2), int64(1)}, -1},
		{"composite second part decides", []string{"1", "3402"}, []any{int64(1), int64(3107)}, 1},
		{"composite equal", []string{"3", "x"}, []any{int64(3), "x"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := CompareKey(c.parts, c.bound)
			if err != nil || got != c.want {
				t.Errorf("CompareKey(%q, %v) = %d, %v; want %d", c.parts, c.bound, got, err, c.want)
			}
		})
	}
}

// A part that cannot be read as the bound's type, or a key of another
// length, cannot be placed: an error, never a guess.
func TestCompareKeyRefusesWhatItCannotCompare(t *testing.T) {
	for _, c := range []struct {
		parts []string
		bound []any
	}{
		{[]string{"abc"}, []any{int64(1)}},
		{[]string{"1.5"}, []any{int64(1)}},
		{[]string{"-1"}, []any{uint64(1)}},
		{[]string{"yesterday"}, []any{time.Now()}},
		{[]string{"0102"}, []any{[]byte{1}}},
		{[]string{"1"}, []any{int64(1), int64(2)}},
		{[]string{"1"}, []any{nil}},
	} {
		if got, err := CompareKey(c.parts, c.bound); err == nil {
			t.Errorf("CompareKey(%q, %v) = %d, want an error", c.parts, c.bound, got)
		}
	}
}

// The bounds come from the ledger's encoding: decoded, they compare as the
// values they were.
func TestHoldsUsesTheLedgerRange(t *testing.T) {
	chunk := func(after, last []any) ledgerRow {
		a, _ := target.EncodeKey(after)
		l, _ := target.EncodeKey(last)
		da, _ := target.DecodeKey(a)
		dl, _ := target.DecodeKey(l)
		return ledgerRow{after: da, last: dl}
	}
	first := chunk(nil, []any{int64(500)})
	second := chunk([]any{int64(500)}, []any{int64(1000)})
	keyless := chunk(nil, nil)
	for _, c := range []struct {
		name string
		c    ledgerRow
		key  string
		want bool
	}{
		{"first chunk, lowest", first, "1", true},
		{"first chunk, upper bound included", first, "500", true},
		{"first chunk, beyond", first, "501", false},
		{"lower bound excluded", second, "500", false},
		{"second chunk", second, "501", true},
		{"text order would say no", second, "999", true},
		{"keyless table in one chunk", keyless, "", true},
	} {
		var parts []string
		if c.key != "" {
			parts = []string{c.key}
		}
		if got, err := holds(c.c, parts); err != nil || got != c.want {
			t.Errorf("%s: holds(%q) = %v, %v; want %v", c.name, c.key, got, err, c.want)
		}
	}
}
