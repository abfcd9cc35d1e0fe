package plan

import (
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/sqlexpr"
)

// An ENUM column becomes text; so that the target keeps refusing the
// values the source refused, it gets a CHECK that it holds a member
// (enums: check, the default), or becomes a PostgreSQL enum type with the
// members in order (enums: type). A SET becomes text[] with a CHECK that
// every element is a member. enums: text keeps neither, and is a loss.

// enum plans one column's ENUM or SET members, and returns the CHECK that
// keeps them. The parts of a merged table get theirs once the parts are
// settled (settleMerged).
func (c *carrier) enum(st *tableState, col *Column) (Check, bool) {
	k := col.SourceType.Kind
	if col.Role != RoleValue || k != sluice.KindEnum && k != sluice.KindSet {
		return Check{}, false
	}
	mode := c.enumMode(st, col.Source)
	cr := st.rule.Column(col.Source)
	switch {
	case mode == config.EnumsText:
		c.lose(st, fmt.Sprintf("column %s: %s", col.Source, sourceTypeText(col.SourceType)),
			"enums: text; the target accepts any text in it")
	case st.merge != nil:
		if mode == config.EnumsType && k == sluice.KindEnum {
			c.warn(st.t.ID, fmt.Sprintf("column %s: the merged table %s gets a CHECK of its sources' members rather than an enum type", col.Source, st.t.Name))
		}
	case mode == config.EnumsType && k == sluice.KindEnum && (cr == nil || cr.Type == ""):
		return c.enumType(st, col)
	default:
		return c.enumCheck(st, col, col.SourceType.Values)
	}
	return Check{}, false
}

// enumType makes the column a new enum type named <table>_<column>.
func (c *carrier) enumType(st *tableState, col *Column) (Check, bool) {
	t := st.t
	if _, ok := quoteLiterals(col.SourceType.Values); !ok || len(col.SourceType.Values) == 0 {
		return c.enumCheck(st, col, col.SourceType.Values) // reports the loss
	}
	name := claim(c.relation(t.Database), Shorten(t.Name+"_"+col.Name))
	t.EnumTypes = append(t.EnumTypes, EnumType{Name: name, Values: col.SourceType.Values})
	col.Type, col.EnumType = qualified(t.Schema, name), name
	return Check{}, false
}

// enumCheck adds CHECK (col IN (members)) on an ENUM kept as text, or
// CHECK (col <@ ARRAY[members]) on a SET kept as text[].
func (c *carrier) enumCheck(st *tableState, col *Column, values []string) (Check, bool) {
	expr, ok := enumCondition(*col, values)
	if !ok {
		c.lose(st, fmt.Sprintf("column %s: %s", col.Source, sourceTypeText(col.SourceType)),
			"its target type "+col.Type+" cannot hold the members; the target does not check them")
		return Check{}, false
	}
	return Check{Name: ConstraintName(st.t.Name, []string{col.Name}, "check"), Expr: expr}, true
}

func enumCondition(col Column, values []string) (string, bool) {
	quoted, ok := quoteLiterals(values)
	if !ok || len(values) == 0 {
		return "", false
	}
	typ := CanonicalType(col.Type)
	switch {
	case col.SourceType.Kind == sluice.KindSet && typ == "text[]":
		return QuoteIdent(col.Name) + " <@ ARRAY[" + strings.Join(quoted, ", ") + "]::text[]", true
	case col.SourceType.Kind == sluice.KindEnum && (typ == "text" || strings.HasPrefix(typ, "character")):
		return QuoteIdent(col.Name) + " IN (" + strings.Join(quoted, ", ") + ")", true
	}
	return "", false
}

// quoteLiterals writes values as string literals; false when one holds a
// NUL, which PostgreSQL text cannot.
func quoteLiterals(values []string) ([]string, bool) {
	quoted := make([]string, len(values))
	for i, v := range values {
		q, err := sqlexpr.QuoteString(v)
		if err != nil {
			return nil, false
		}
		quoted[i] = q
	}
	return quoted, true
}
