package sluice

import (
	"slices"
	"testing"
)

func TestKeyColumnsFallBack(t *testing.T) {
	notNull := func(name string) Column { return Column{Name: name} }
	nullable := func(name string) Column { return Column{Name: name, Nullable: true} }
	cases := []struct {
		name  string
		table Table
		want  []string
	}{
		{"primary key", Table{Columns: []Column{notNull("id")}, PrimaryKey: []string{"id"}, RowID: "rowid"}, []string{"id"}},
		{"unique not-null index", Table{Columns: []Column{notNull("code")}, Indexes: []Index{{Columns: []string{"code"}, Unique: true}}, RowID: "ctid"}, []string{"code"}},
		{"a nullable unique index is no key", Table{Columns: []Column{nullable("code")}, Indexes: []Index{{Columns: []string{"code"}, Unique: true}}, RowID: "ctid"}, []string{"ctid"}},
		{"a partial unique index is no key", Table{Columns: []Column{notNull("code")}, Indexes: []Index{{Columns: []string{"code"}, Unique: true, Where: "code > 0"}}, RowID: "ctid"}, []string{"ctid"}},
		{"a plain index is no key", Table{Columns: []Column{notNull("x")}, Indexes: []Index{{Columns: []string{"x"}}}, RowID: "rowid"}, []string{"rowid"}},
		{"nothing: one chunk", Table{Columns: []Column{notNull("x")}}, nil},
		{"a primary key that may hold NULLs (SQLite) is no key", Table{Columns: []Column{nullable("code")}, PrimaryKey: []string{"code"}, RowID: "rowid"}, []string{"rowid"}},
		{"an ENUM in the key: sorted by position, compared as text", Table{
			Columns:    []Column{notNull("id"), {Name: "kind", Type: Type{Kind: KindEnum}}, notNull("code")},
			PrimaryKey: []string{"id", "kind"}, Indexes: []Index{{Columns: []string{"code"}, Unique: true}}}, []string{"code"}},
		{"a FLOAT key: widened when compared", Table{Columns: []Column{{Name: "k", Type: Type{Kind: KindFloat}}}, PrimaryKey: []string{"k"}, RowID: "rowid"}, []string{"rowid"}},
		{"a BIT key: one chunk when nothing else", Table{Columns: []Column{{Name: "flags", Type: Type{Kind: KindBit}}}, PrimaryKey: []string{"flags"}}, nil},
	}
	for _, c := range cases {
		if got := c.table.KeyColumns(); !slices.Equal(got, c.want) {
			t.Errorf("%s: KeyColumns() = %v, want %v", c.name, got, c.want)
		}
	}
}
