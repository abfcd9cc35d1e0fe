package plan

import (
	"fmt"
	"strconv"

	"github.com/sluicedb/sluice/config"
)

// Names of the columns keys add. Under their default names, the row uuid
// of a composite key or of a merged table ("id"), the legacy column
// ("legacy_id") and a merged table's source column ("source") keep their
// names: a source column that would take one of them under the naming rule,
// and that no column rule names, is renamed to the first free one of
// <name>_2, <name>_3, ..., with a warning. A clash with a name the config
// chooses (legacy_column, source_column, a column's name:, a computed
// column) is the config's to settle: checkColumnNames reports it with a
// name that is free.

// Default names of the legacy and source columns (resolve's defaults).
const (
	defaultLegacyColumn = "legacy_id"
	defaultSourceColumn = "source"
)

// avoidKeyNames renames the source columns that would clash with a column
// keys add under its default name. It runs before the keys are planned, so
// nothing refers to the columns' names yet.
func (b *builder) avoidKeyNames(st *tableState) {
	added := st.defaultKeyNames()
	if len(added) == 0 {
		return
	}
	taken := map[string]bool{}
	for _, c := range st.t.Columns {
		taken[c.Name] = true
	}
	for name := range added {
		taken[name] = true
	}
	for i := range st.t.Columns {
		c := &st.t.Columns[i]
		what, clash := added[c.Name]
		if !clash || c.Role != RoleValue || st.namedByRule(c.Source) || st.dropsKeyColumn(c) {
			continue
		}
		name := freeNameIn(c.Name, taken)
		taken[name] = true
		b.warn(st.t.ID, fmt.Sprintf("column %s is named %s in the target: %s is %s (a name: in the column's rule overrides this)", c.Source, name, c.Name, what))
		c.Name = name
	}
}

// defaultKeyNames are the columns keys will add to the table under their
// default names, with what each is.
func (st *tableState) defaultKeyNames() map[string]string {
	names := map[string]string{}
	pk := st.src.PrimaryKey
	switch {
	case st.merge != nil:
		names[mergedIDColumn] = "the merged table's row uuid"
		if st.merge.m.SourceColumn == defaultSourceColumn {
			names[defaultSourceColumn] = "the merged table's source column (source_column)"
		}
	case st.t.Keys != config.KeysUUID || len(pk) == 0:
		return nil
	case len(pk) > 1:
		names[compositeUUIDColumn] = "the row uuid of the composite primary key"
	}
	if st.legacy == defaultLegacyColumn {
		names[defaultLegacyColumn] = "the legacy key column (legacy_column)"
	}
	return names
}

// namedByRule reports whether a column rule gives the source column its
// target name.
func (st *tableState) namedByRule(src string) bool {
	cr := st.rule.Column(src)
	return cr != nil && cr.Target != ""
}

// dropsKeyColumn: a merged table's single key column gives way to its id.
func (st *tableState) dropsKeyColumn(c *Column) bool {
	pk := st.src.PrimaryKey
	return st.merge != nil && len(pk) == 1 && c.Source == pk[0]
}

// freeName is the first of name_2, name_3, ... that is not in taken,
// shortened to PostgreSQL's limit: numbered as init numbers the second of
// two columns with one name (unique, fit.go).
func freeName(name string, taken []string) string {
	set := make(map[string]bool, len(taken))
	for _, n := range taken {
		set[n] = true
	}
	return freeNameIn(name, set)
}

func freeNameIn(name string, taken map[string]bool) string {
	for n := 2; ; n++ {
		if c := Shorten(name + "_" + strconv.Itoa(n)); !taken[c] {
			return c
		}
	}
}

// columnNames lists the table's target column names.
func (t *Table) columnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}
