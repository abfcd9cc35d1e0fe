package verify

import (
	"strings"

	"github.com/sluicedb/sluice/plan"
)

// A table loaded with merge or append may hold rows Sluice did not load: the
// application's own, which carry no row hash and are none of verify's
// business. A part of a merged table shares its target table with the other
// parts and answers only for the rows of its own source. Every query of a
// table's rows is narrowed to them by scope.

// hashColumn is the index of the table's row hash column, or -1.
func hashColumn(t *plan.Table) int {
	for i, c := range t.Columns {
		if c.Role == plan.RoleRowHash {
			return i
		}
	}
	return -1
}

// loadedCond is the SQL condition selecting the rows Sluice loaded: those
// with a row hash, in a table that has one; "" when every row counts.
func loadedCond(t *plan.Table, alias string) string {
	if i := hashColumn(t); i >= 0 {
		return qualified(alias, t.Columns[i].Name) + " IS NOT NULL"
	}
	return ""
}

// scope is the SQL condition selecting the target rows this planned table
// answers for: the rows Sluice loaded and, in a merged table, those of its
// source. "" selects every row.
func (v *tableCheck) scope(alias string) string {
	return scopeOf(v.t, alias)
}

func scopeOf(t *plan.Table, alias string) string {
	var conds []string
	if c := loadedCond(t, alias); c != "" {
		conds = append(conds, c)
	}
	if m := t.Merged; m != nil {
		conds = append(conds, qualified(alias, m.SourceColumn)+" = "+literal(t.Source))
	}
	return andAll(conds)
}

// where is " WHERE " and the scope and conds that are not empty, or "".
func (v *tableCheck) where(alias string, conds ...string) string {
	return whereAll(append([]string{v.scope(alias)}, conds...)...)
}

// whereAll is " WHERE " and the conditions that are not empty, or "".
func whereAll(conds ...string) string {
	var set []string
	for _, c := range conds {
		if c != "" {
			set = append(set, c)
		}
	}
	if len(set) == 0 {
		return ""
	}
	return " WHERE " + andAll(set)
}

// keeps reports a table whose target keeps the rows whose source row is
// gone: merge and append without delete_missing. Such rows are counted and
// named in the levels' details, not reported as findings.
func keeps(t *plan.Table) bool { return hashColumn(t) >= 0 && !t.DeleteMissing }

// literal quotes s as an SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// schemaOf is the table's target schema: its own, or the plan's for a
// table planned without one.
func schemaOf(p *plan.Plan, t *plan.Table) string {
	if t.Schema != "" {
		return t.Schema
	}
	return p.Schema
}
