package verify

import (
	"strings"

	"github.com/sluicedb/sluice/plan"
)

// qualified quotes alias.column, or column when alias is empty.
func qualified(alias, col string) string {
	if alias == "" {
		return plan.QuoteIdent(col)
	}
	return alias + "." + plan.QuoteIdent(col)
}

// columnList writes cols quoted and comma-separated.
func columnList(alias string, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = qualified(alias, c)
	}
	return strings.Join(parts, ", ")
}

// textOf is an SQL expression for the readable text of cols: one column's
// text, or the texts joined with '|'; NULL reads NULL.
func textOf(alias string, cols []string) string {
	if len(cols) == 0 {
		return "''"
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "coalesce(" + qualified(alias, c) + "::text, 'NULL')"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "concat_ws('|', " + strings.Join(parts, ", ") + ")"
}

// rowKeyText is an SQL expression naming a target row: its primary key, or
// its physical position when it has none.
func (v *tableCheck) rowKeyText(alias string) string {
	if len(v.t.PrimaryKey) == 0 {
		return qualified(alias, "ctid") + "::text"
	}
	return textOf(alias, v.t.PrimaryKey)
}

// legacyText is an SQL expression for a target row's legacy key: the legacy
// column under keys: uuid, the key itself under keys: keep.
func (v *tableCheck) legacyText(alias string) string {
	for _, c := range v.t.Columns {
		if c.Role == plan.RoleLegacyKey {
			return textOf(alias, []string{c.Name})
		}
	}
	if len(v.t.PrimaryKey) == 0 {
		return "''"
	}
	return textOf(alias, v.t.PrimaryKey)
}

// andAll joins SQL conditions with AND.
func andAll(conds []string) string { return strings.Join(conds, " AND ") }
