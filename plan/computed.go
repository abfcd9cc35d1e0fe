package plan

import (
	"github.com/sluicedb/sluice/compute"
)

// computedType is a computed column's type when its rule gives none.
const computedType = "text"

// planComputed adds the rule's computed columns after the mapped ones. Each
// expression is compiled against the source table's columns now, so that a
// syntax error, a type error or an unknown column is a config error on the
// rule's line rather than a reject on every row; the columns it reads are
// read with the rest.
func (b *builder) planComputed(st *tableState) {
	if st.rule == nil {
		return
	}
	for _, cr := range st.rule.Computed {
		prog, err := compute.Compile(cr.Expr, st.src.Columns)
		if err != nil {
			b.fail(cr.Line, st.tableKey()+".computed."+cr.Column, "%v", err)
		} else {
			st.reads = append(st.reads, prog.Vars()...)
		}
		st.t.Columns = append(st.t.Columns, Column{Name: cr.Column, Type: or(cr.Type, computedType), Role: RoleComputed, Expr: cr.Expr})
	}
}
