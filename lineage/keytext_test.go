package lineage

import (
	"slices"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
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

// A subtype's uuid is its root's, over the key in the root's column order:
// the legacy key (in the table's own order) is reordered before hashing.
func TestIdentityKey(t *testing.T) {
	tbl := &plan.Table{Columns: []plan.Column{
		{Name: "id", Role: plan.RoleRowUUID, KeyColumns: []string{"member_id", "set_id"}, IdentitySource: "emr", IdentityTable: "concept_set"},
		{Name: "legacy_id", Role: plan.RoleLegacyKey, KeyColumns: []string{"set_id", "member_id"}},
	}}
	cases := map[string]string{"40|3": "3|40", `a\|b|c`: `c|a\|b`, "1": "1"}
	for key, want := range cases {
		if got := identityKey(tbl, &tbl.Columns[0], key); got != want {
			t.Errorf("identityKey(%q) = %q, want %q", key, got, want)
		}
	}
	same := &plan.Table{Columns: []plan.Column{tbl.Columns[0], {Name: "legacy_id", Role: plan.RoleLegacyKey, KeyColumns: []string{"member_id", "set_id"}}}}
	if got := identityKey(same, &same.Columns[0], "40|3"); got != "40|3" {
		t.Errorf("same order: %q", got)
	}
}
