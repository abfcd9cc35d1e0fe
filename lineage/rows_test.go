package lineage

import (
	"testing"

	"github.com/sluicedb/sluice/plan"
)

// A key part is cast to its column's type without the modifier: a cast to
// varchar(3) would truncate "abcdef" into another row's key "abc".
func TestCastType(t *testing.T) {
	for in, want := range map[string]string{
		"bigint":                      "bigint",
		"varchar(3)":                  "varchar",
		"numeric(12,2)":               "numeric",
		"timestamp(3) with time zone": "timestamp with time zone",
		"char(4)":                     "bpchar",
		"character(2)":                "bpchar",
		"bit(8)":                      "varbit",
		"text":                        "text",
	} {
		if got := castType(in); got != want {
			t.Errorf("castType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalText(t *testing.T) {
	for _, c := range []struct{ v, typ, want string }{
		{`\x0a0b`, "bytea", "0x0a0b"},
		{"2024-03-01T10:00:00", "timestamp", "2024-03-01T10:00:00Z"},
		{"2024-03-01T12:00:00.25+02:00", "timestamptz", "2024-03-01T10:00:00.25Z"},
		{"2024-03-01", "date", "2024-03-01T00:00:00Z"},
		{"42", "bigint", "42"},
		{"Smith", "varchar", "Smith"},
	} {
		if got := canonicalText(c.v, c.typ); got != c.want {
			t.Errorf("canonicalText(%q, %s) = %q, want %q", c.v, c.typ, got, c.want)
		}
	}
}

// Under keys: uuid the legacy column holds the key (whole, as text, when it
// is composite); under keys: keep the key columns themselves hold it.
func TestByLegacyKey(t *testing.T) {
	single := &plan.Table{ID: "s.T", Key: []string{"Id"}, Columns: []plan.Column{
		{Name: "id", Type: "uuid", Role: plan.RoleRowUUID, KeyColumns: []string{"Id"}},
		{Name: "legacy_id", Type: "bigint", Role: plan.RoleLegacyKey, KeyColumns: []string{"Id"}},
	}}
	composite := &plan.Table{ID: "s.PT", Key: []string{"A", "B"}, Columns: []plan.Column{
		{Name: "id", Type: "uuid", Role: plan.RoleRowUUID, KeyColumns: []string{"A", "B"}},
		{Name: "legacy_id", Type: "text", Role: plan.RoleLegacyKey, KeyColumns: []string{"A", "B"}},
	}}
	keep := &plan.Table{ID: "s.K", Key: []string{"A", "B"}, Columns: []plan.Column{
		{Name: "a", Type: "integer", Role: plan.RoleValue, Source: "A"},
		{Name: "b", Type: "varchar(3)", Role: plan.RoleValue, Source: "B"},
	}}
	for _, c := range []struct {
		t     *plan.Table
		key   string
		where string
		args  []any
	}{
		{single, "7", `t."legacy_id" = $1::text::bigint`, []any{"7"}},
		{composite, `1|3402`, `t."legacy_id" = $1::text`, []any{"1|3402"}},
		{keep, `1|abc\|d`, `t."a" = $1::text::integer AND t."b" = $2::text::varchar`, []any{"1", "abc|d"}},
	} {
		l, why := byLegacyKey(c.t, c.key)
		if l == nil || l.where != c.where || len(l.args) != len(c.args) || l.args[len(l.args)-1] != c.args[len(c.args)-1] {
			t.Errorf("byLegacyKey(%s, %q) = %+v (%s), want %s %v", c.t.ID, c.key, l, why, c.where, c.args)
		}
	}
	if l, why := byLegacyKey(keep, "1"); l != nil || why == "" {
		t.Errorf("a key with one part of two: %+v, %q; want a reason", l, why)
	}
	if l, why := byLegacyKey(&plan.Table{ID: "s.R", Key: []string{"rowid"}}, "1"); l != nil || why == "" {
		t.Errorf("a table paginated by its row id: %+v, %q; want a reason", l, why)
	}
}
