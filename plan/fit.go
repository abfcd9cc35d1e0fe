package plan

import (
	"fmt"

	"github.com/sluicedb/sluice/config"
)

// fitNames makes the names that `sluice init` writes plan: a name the naming
// rule derives is shortened to PostgreSQL's 63 bytes (Shorten: cut at a
// character boundary, with a hash of the whole name, so the same source
// names give the same target names on every machine) and, when another
// table or column already has it, numbered. A name the config gives is
// written as it is: plan reports it when it does not fit.
type fitNames struct {
	tables  map[string]bool            // target tables named so far (all databases)
	columns map[*Table]map[string]bool // each table's value columns named so far
}

// fitTable fits a table name made by the naming rule.
func (b *builder) fitTable(rule *config.TableRule, name string) string {
	if b.fit == nil || (rule != nil && rule.Target != "") {
		return name
	}
	return unique(b.fit.tables, name)
}

// fitColumn fits a column name made by the naming rule.
func (b *builder) fitColumn(st *tableState, cr *config.ColumnRule, name string) string {
	if b.fit == nil || (cr != nil && cr.Target != "") {
		return name
	}
	used := b.fit.columns[st.t]
	if used == nil {
		used = map[string]bool{}
		b.fit.columns[st.t] = used
	}
	return unique(used, name)
}

// unique shortens name and numbers it until it is not in used, then
// claims it.
func unique(used map[string]bool, name string) string {
	candidate := Shorten(name)
	for n := 2; used[candidate]; n++ {
		candidate = Shorten(fmt.Sprintf("%s_%d", name, n))
	}
	used[candidate] = true
	return candidate
}
