package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// settleMerged makes the parts of a merged table agree on its DDL, which
// is one table's: a default that all its sources give alike, the CHECKs
// that every source declares, an ENUM column's members from every source,
// the first comment given, the foreign key actions. What they do not agree
// on is a loss: a constraint of one source would refuse another's rows.
func (c *carrier) settleMerged(ms *mergeState) {
	parts := c.parts(ms)
	if len(parts) == 0 {
		return
	}
	first := parts[0]
	checks := c.commonChecks(ms, parts)
	for i := range first.t.Columns {
		c.mergedDefault(ms, parts, i)
		c.mergedComment(parts, i)
		if ck, ok := c.mergedEnum(ms, parts, i); ok {
			checks = append(checks, ck)
		}
	}
	c.foreignKeyActions(first)
	comment := ""
	for _, st := range parts {
		comment = or(comment, st.t.Comment)
	}
	for _, st := range parts {
		st.t.Checks, st.t.Comment = slices.Clone(checks), comment
		st.t.ForeignKeys = slices.Clone(first.t.ForeignKeys)
	}
}

// provides reports whether a part gives column i a value of its own.
func provides(st *tableState, i int) bool {
	r := st.t.Columns[i].Role
	return r == RoleValue || r == RoleRefUUID
}

func (c *carrier) mergedDefault(ms *mergeState, parts []*tableState, i int) {
	var values, who []string
	for _, st := range parts {
		if provides(st, i) {
			d := st.t.Columns[i].SQLDefault
			values = append(values, d)
			who = append(who, st.t.ID+": "+or(d, "none"))
		}
	}
	if len(values) == 0 {
		return
	}
	agreed := values[0]
	if slices.ContainsFunc(values, func(v string) bool { return v != agreed }) {
		agreed = ""
		c.lose(parts[0], fmt.Sprintf("merged table %s column %s: default", ms.rule.Table, parts[0].t.Columns[i].Name),
			"its sources' defaults differ ("+strings.Join(who, "; ")+"); the column has no default")
	}
	for _, st := range parts {
		if provides(st, i) || st.t.Columns[i].Role == RoleFill {
			st.t.Columns[i].SQLDefault = agreed
		}
	}
}

func (c *carrier) mergedComment(parts []*tableState, i int) {
	comment := ""
	for _, st := range parts {
		comment = or(comment, st.t.Columns[i].Comment)
	}
	for _, st := range parts {
		st.t.Columns[i].Comment = comment
	}
}

// mergedEnum checks an ENUM or SET column of a merged table against the
// members of every source, when every source that provides it has it as
// an ENUM or SET kept as one.
func (c *carrier) mergedEnum(ms *mergeState, parts []*tableState, i int) (Check, bool) {
	var values []string
	var owner *tableState
	plain := ""
	for _, st := range parts {
		col := st.t.Columns[i]
		if !provides(st, i) {
			continue
		}
		k := col.SourceType.Kind
		switch {
		case k != sluice.KindEnum && k != sluice.KindSet:
			plain = st.t.ID
		case c.enumMode(st, col.Source) == config.EnumsText:
			return Check{}, false // its loss is reported already
		default:
			owner = or2(owner, st)
			for _, v := range col.SourceType.Values {
				if !slices.Contains(values, v) {
					values = append(values, v)
				}
			}
		}
	}
	if owner == nil {
		return Check{}, false
	}
	col := owner.t.Columns[i]
	what := fmt.Sprintf("merged table %s column %s: members of %s", ms.rule.Table, col.Name, sourceTypeText(col.SourceType))
	if plain != "" {
		c.lose(owner, what, plain+" gives the column values of its own type; the target does not check the members")
		return Check{}, false
	}
	expr, ok := enumCondition(col, values)
	if !ok {
		c.lose(owner, what, "the merged column's type "+col.Type+" cannot hold them; the target does not check the members")
		return Check{}, false
	}
	return Check{Name: ConstraintName(ms.rule.Table, []string{col.Name}, "check"), Expr: expr}, true
}

func or2(a, b *tableState) *tableState {
	if a != nil {
		return a
	}
	return b
}

// commonChecks keeps the CHECKs every part declares alike; each other one
// is a loss.
func (c *carrier) commonChecks(ms *mergeState, parts []*tableState) []Check {
	inAll := func(ck Check) bool {
		for _, st := range parts {
			if !slices.ContainsFunc(st.t.Checks, func(o Check) bool { return o.Expr == ck.Expr }) {
				return false
			}
		}
		return true
	}
	var kept []Check
	for _, st := range parts {
		for _, ck := range st.t.Checks {
			switch {
			case !inAll(ck):
				c.lose(st, "CHECK "+ck.Name, "not every source of the merged table "+ms.rule.Table+" declares it, and it would refuse the others' rows; the target does not check it")
			case st == parts[0]:
				kept = append(kept, ck)
			}
		}
	}
	return kept
}

// settleActions: one foreign key of a merged table, which two parts declare
// with different ON DELETE or ON UPDATE, takes NO ACTION for what they
// disagree on.
func (b *builder) settleActions(ms *mergeState, st *tableState, have *ForeignKey, fk ForeignKey) {
	if have.OnDelete == fk.OnDelete && have.OnUpdate == fk.OnUpdate {
		return
	}
	b.lose(st, fmt.Sprintf("foreign key (%s) -> %s: %s", joinCols(fk.Columns), fk.RefTable, or(actionText(fk), "NO ACTION")),
		fmt.Sprintf("another source of the merged table %s declares it with %s; it takes NO ACTION where they differ", ms.rule.Table, or(actionText(*have), "NO ACTION")))
	if have.OnDelete != fk.OnDelete {
		have.OnDelete = sluice.NoAction
	}
	if have.OnUpdate != fk.OnUpdate {
		have.OnUpdate = sluice.NoAction
	}
}
