package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/compute"
	"github.com/sluicedb/sluice/config"
)

// Rollback says whether a table's changes can flow back to its source
// after a cutover, through the mapping turned around: the reverse stream
// writes each target change into the source row it came from. Cutover
// refuses while a table that cannot be reversed is not excluded.
type Rollback struct {
	// Excluded is the config's rollback: false on the table (or its merged
	// target table): its target changes are not written back.
	Excluded bool
	// Reasons say why the mapping cannot be reversed; none when it can.
	Reasons []string
}

// Reversible reports a table whose mapping can be turned around.
func (r Rollback) Reversible() bool { return len(r.Reasons) == 0 }

// Irreversible lists the tables cutover refuses: not reversible, and not
// excluded from rollback by the config.
func (p *Plan) Irreversible() []*Table {
	var out []*Table
	for _, t := range p.Tables {
		if !t.Rollback.Excluded && !t.Rollback.Reversible() {
			out = append(out, t)
		}
	}
	return out
}

// sinkEngines are the source engines Sluice can write changes back to
// (their packages implement sluice.ChangeSink).
var sinkEngines = []string{"mysql", "postgres"}

// planRollback decides, for each table, whether its mapping can be
// reversed, once its columns, keys and merges are final.
func (b *builder) planRollback() {
	for _, st := range b.list {
		st.t.Rollback = Rollback{Excluded: excludedFromRollback(st), Reasons: rollbackReasons(st)}
	}
}

func excludedFromRollback(st *tableState) bool {
	off := func(v *bool) bool { return v != nil && !*v }
	if st.rule != nil && off(st.rule.Rollback) {
		return true
	}
	return st.merge != nil && off(st.merge.rule.Rollback)
}

// rollbackReasons is every reason the table's mapping cannot be reversed.
func rollbackReasons(st *tableState) []string {
	t := st.t
	var out []string
	if t.Expansion != nil {
		return []string{fmt.Sprintf("its rows are expanded from %s column %s: one source row became many target rows", t.Expansion.Parent, t.Expansion.Column)}
	}
	if !slices.Contains(sinkEngines, t.Engine) {
		out = append(out, "Sluice writes back only to "+strings.Join(sinkEngines, " and ")+" sources; this one is "+t.Engine)
	}
	if len(st.src.PrimaryKey) == 0 {
		out = append(out, "the source table has no primary key: a target row cannot be matched to its source row")
	}
	if t.Where != "" {
		out = append(out, "filtered (where: "+t.Where+"): the target holds only some of the source rows, and a row written on the target may not meet the filter")
	}
	if t.Merged != nil && len(t.Merged.MatchOn) > 0 {
		out = append(out, "merged on match_on ("+strings.Join(t.Merged.MatchOn, ", ")+"): one target row stands for rows of several sources")
	}
	out = append(out, columnReasons(st)...)
	return append(out, sourceColumnReasons(st)...)
}

// columnReasons are the target columns whose values do not go back as
// they are: a constant for NULL, zero dates loaded as NULL, a type that
// narrows or widens the source's, a column the source lacks.
func columnReasons(st *tableState) []string {
	var out []string
	for _, c := range st.t.Columns {
		switch c.Role {
		case RoleValue:
			out = append(out, valueReasons(st.t, c)...)
		case RoleFill:
			out = append(out, fmt.Sprintf("column %s is not in this source (filled for the merge): a value written on the target is not kept by the source", c.Name))
		}
	}
	return out
}

// unwritable are the source kinds whose values the inverse transform does
// not write back yet (package inverse refuses them too).
var unwritable = []sluice.Kind{sluice.KindSet, sluice.KindBit, sluice.KindGeometry, sluice.KindOther}

func valueReasons(t *Table, c Column) []string {
	var out []string
	if slices.Contains(unwritable, c.SourceType.Kind) {
		out = append(out, fmt.Sprintf("column %s: values of type %s are not written back yet", c.Name, or(c.SourceType.Raw, string(c.SourceType.Kind))))
	}
	if c.Default != nil {
		out = append(out, fmt.Sprintf("column %s: a NULL source value is loaded as %q, which cannot be told from a real %q", c.Name, *c.Default, *c.Default))
	}
	if c.ZeroDates == config.ZeroDatesNull && t.Engine == "mysql" && zeroDateKind(c.SourceType.Kind) {
		out = append(out, fmt.Sprintf("column %s: zero dates are loaded as NULL (zero_dates: null), which cannot be told from a real NULL", c.Name))
	}
	mapped, _ := MapType(t.Engine, c.SourceType)
	switch {
	case narrows(mapped, c.Type):
		out = append(out, fmt.Sprintf("column %s: type %s narrows %s: source rows whose value did not fit were rejected, not loaded", c.Name, c.Type, mapped))
	case narrows(c.Type, mapped):
		out = append(out, fmt.Sprintf("column %s: type %s is wider than the source's %s: a value written on the target may not fit the source", c.Name, c.Type, c.SourceType.Raw))
	}
	return out
}

func zeroDateKind(k sluice.Kind) bool {
	return k == sluice.KindDate || k == sluice.KindTimestamp || k == sluice.KindTimestampTZ
}

// sourceColumnReasons are the source columns the target does not hold:
// read only into computed columns (their value cannot be recovered), or
// dropped while a row cannot be inserted without them.
func sourceColumnReasons(st *tableState) []string {
	held := heldColumns(st.t)
	var out []string
	for _, c := range st.src.Columns {
		if held[c.Name] || c.Generated != "" {
			continue
		}
		if users := computedUsers(st, c.Name); len(users) > 0 {
			out = append(out, fmt.Sprintf("source column %s feeds only computed column %s: its value cannot be recovered from the target", c.Name, strings.Join(users, ", ")))
			continue
		}
		if !c.Nullable && c.Default == nil && !c.AutoIncrement {
			out = append(out, fmt.Sprintf("source column %s is not migrated and is NOT NULL without a default: a row inserted on the target cannot be written back", c.Name))
		}
	}
	return out
}

// heldColumns are the source columns whose values a target row holds: as
// a value, in the legacy key, or behind a rewritten foreign key (the
// referenced row's legacy key).
func heldColumns(t *Table) map[string]bool {
	held := map[string]bool{}
	for _, c := range t.Columns {
		switch c.Role {
		case RoleValue:
			held[c.Source] = true
		case RoleLegacyKey, RoleRefUUID:
			for _, k := range c.KeyColumns {
				held[k] = true
			}
		}
	}
	return held
}

// computedUsers names the computed columns whose expression reads column.
func computedUsers(st *tableState, column string) []string {
	if st.rule == nil {
		return nil
	}
	var out []string
	for _, cr := range st.rule.Computed {
		prog, err := compute.Compile(cr.Expr, st.src.Columns)
		if err == nil && slices.Contains(prog.Vars(), column) {
			out = append(out, cr.Column)
		}
	}
	return out
}
