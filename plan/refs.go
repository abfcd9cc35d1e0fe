package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// sourceFK is a foreign key of a source table, or one a column rule declares
// with references (then line and key locate the rule). RefSource is always
// set.
type sourceFK struct {
	sluice.ForeignKey
	line int
	key  string
}

// planForeignKeys plans the table's foreign keys: rewritten to uuids when
// they point at the whole key of a keys: uuid table, kept as values
// otherwise, left out (with a warning) when they point at a skipped table.
func (b *builder) planForeignKeys(st *tableState) {
	for _, f := range b.foreignKeys(st) {
		ref := b.states[f.RefSource+"."+f.RefTable]
		switch {
		case ref == nil:
			b.warnMissingRef(st, f)
		case ref.merge != nil && !referencesWholeKey(f, ref):
			b.warn(st.t.ID, fmt.Sprintf("foreign key (%s) references %s (%s), which is not its primary key; the merged table %s keeps no unique constraint on it, so the foreign key is left out",
				joinCols(f.Columns), ref.t.ID, joinCols(f.RefColumns), ref.t.Name))
		case ref.t.Keys == config.KeysUUID && referencesWholeKey(f, ref):
			b.rewriteFK(st, ref, f)
		default:
			b.keepFK(st, ref, f)
		}
	}
}

// foreignKeys lists the source's foreign keys, then those the column rules
// declare (the checkRules step reported the ones that do not resolve).
func (b *builder) foreignKeys(st *tableState) []sourceFK {
	var fks []sourceFK
	for _, f := range st.src.ForeignKeys {
		f.RefSource = or(f.RefSource, st.t.Source)
		fks = append(fks, sourceFK{ForeignKey: f})
	}
	if st.rule == nil {
		return fks
	}
	for _, cr := range st.rule.Columns {
		if cr.References == "" {
			continue
		}
		if ref, msg := b.resolveReference(cr.References); msg == "" {
			ref.Columns = []string{cr.Name}
			fks = append(fks, sourceFK{ForeignKey: ref, line: cr.Line, key: st.columnKey(cr.Name) + ".references"})
		}
	}
	return fks
}

func (b *builder) warnMissingRef(st *tableState, f sourceFK) {
	refID := f.RefSource + "." + f.RefTable
	if rule := b.cfg.Rule(f.RefSource, f.RefTable); rule != nil && rule.Skip {
		b.warn(st.t.ID, fmt.Sprintf("foreign key (%s) references skipped table %s; it is left out", joinCols(f.Columns), refID))
		return
	}
	b.warn(st.t.ID, fmt.Sprintf("foreign key (%s) references %s, which was not introspected; it is left out", joinCols(f.Columns), refID))
}

// keepFK keeps a foreign key on the values, mapped to target names. Its
// column types must still agree after key rewriting: a column that became a
// uuid cannot reference one that stayed an integer, or the reverse.
func (b *builder) keepFK(st, ref *tableState, f sourceFK) {
	cols, refCols, ok := b.fkColumns(st, ref, f)
	if !ok {
		return
	}
	fk := ForeignKey{RefTable: ref.t.Name, RefDatabase: refDatabase(st, ref), OnDelete: f.OnDelete, OnUpdate: f.OnUpdate}
	for i := range cols {
		cols[i] = st.t.legacyInstead(cols[i], refCols[i])
		if (keyDerived(cols[i]) || keyDerived(refCols[i])) && isUUID(cols[i]) != isUUID(refCols[i]) {
			line, key := fkLocation(st, f)
			b.fail(line, key, "keys: uuid: foreign key (%s) to %s: %s is %s but %s.%s is %s; their types cannot match",
				joinCols(f.Columns), ref.t.ID, cols[i].Name, cols[i].Type, ref.t.Name, refCols[i].Name, refCols[i].Type)
			return
		}
		fk.Columns = append(fk.Columns, cols[i].Name)
		fk.RefColumns = append(fk.RefColumns, refCols[i].Name)
	}
	st.t.addForeignKey(fk)
}

// fkColumns finds the target columns on both sides of a foreign key; a
// dropped column leaves the foreign key out.
func (b *builder) fkColumns(st, ref *tableState, f sourceFK) (cols, refCols []*Column, ok bool) {
	for i, name := range f.Columns {
		c, rc := st.t.columnFor(name), ref.t.columnFor(f.RefColumns[i])
		if c == nil || rc == nil {
			b.warn(st.t.ID, fmt.Sprintf("foreign key (%s) to %s uses a dropped column; it is left out", joinCols(f.Columns), ref.t.ID))
			return nil, nil, false
		}
		cols, refCols = append(cols, c), append(refCols, rc)
	}
	return cols, refCols, true
}

// legacyInstead is the column that holds c's source value for a foreign key
// to rc: a row uuid made of a single key column referencing a value (a
// table whose key references a keys: keep table's) is referenced by its
// legacy column, which holds the key as the source has it.
func (t *Table) legacyInstead(c, rc *Column) *Column {
	if c.Role != RoleRowUUID || len(c.KeyColumns) != 1 || keyDerived(rc) || t.Merged != nil {
		return c
	}
	if legacy := t.legacyColumnOf(c.KeyColumns[0]); legacy != nil {
		return legacy
	}
	return c
}

func fkLocation(st *tableState, f sourceFK) (int, string) {
	if f.line > 0 {
		return f.line, f.key
	}
	return st.columnLine(f.Columns[0]), st.columnKey(f.Columns[0])
}

func keyDerived(c *Column) bool { return c.Role == RoleRowUUID || c.Role == RoleRefUUID }

func isUUID(c *Column) bool { return strings.EqualFold(c.Type, "uuid") }

// addForeignKey adds fk unless the table has it already (a reference the
// config declares may repeat one the source has).
func (t *Table) addForeignKey(fk ForeignKey) {
	for _, have := range t.ForeignKeys {
		if sameForeignKey(have, fk) {
			return
		}
	}
	t.ForeignKeys = append(t.ForeignKeys, fk)
}

func sameForeignKey(a, b ForeignKey) bool {
	return slices.Equal(a.Columns, b.Columns) && a.RefTable == b.RefTable && slices.Equal(a.RefColumns, b.RefColumns) && a.RefDatabase == b.RefDatabase
}

// resolveReference reads a column rule's references, "source.Table" (its
// single-column primary key) or "source.Table.Column" (its primary key or a
// unique column). It returns the foreign key without its own columns, or a
// message saying what is wrong.
func (b *builder) resolveReference(ref string) (sluice.ForeignKey, string) {
	source, rest, _ := strings.Cut(ref, ".")
	s := b.schema(source)
	switch {
	case rest == "":
		return sluice.ForeignKey{}, "expected source.Table or source.Table.Column"
	case s == nil:
		return sluice.ForeignKey{}, fmt.Sprintf("unknown source %q", source)
	case s.Table(rest) != nil:
		return referencePrimaryKey(source, s.Table(rest))
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 || s.Table(rest[:i]) == nil {
		return sluice.ForeignKey{}, missingTable(s, rest)
	}
	return referenceColumn(source, s.Table(rest[:i]), rest[i+1:])
}

func referencePrimaryKey(source string, t *sluice.Table) (sluice.ForeignKey, string) {
	switch pk := t.PrimaryKey; {
	case len(pk) == 0:
		return sluice.ForeignKey{}, "the table has no primary key; reference a unique column as source.Table.Column"
	case len(pk) > 1:
		return sluice.ForeignKey{}, fmt.Sprintf("the primary key has %d columns (%s); a column can reference a single-column key only", len(pk), joinCols(pk))
	}
	return sluice.ForeignKey{RefSource: source, RefTable: t.Name, RefColumns: t.PrimaryKey}, ""
}

func referenceColumn(source string, t *sluice.Table, col string) (sluice.ForeignKey, string) {
	if t.Column(col) == nil {
		return sluice.ForeignKey{}, fmt.Sprintf("column %q does not exist in %s.%s%s", col, source, t.Name, suggest(col, columnNames(t)))
	}
	if !singleKey(t, col) {
		return sluice.ForeignKey{}, fmt.Sprintf("column %s is not the primary key or a unique column of %s.%s", col, source, t.Name)
	}
	return sluice.ForeignKey{RefSource: source, RefTable: t.Name, RefColumns: []string{col}}, ""
}

// singleKey reports whether col alone is the primary key or a unique index.
func singleKey(t *sluice.Table, col string) bool {
	if slices.Equal(t.PrimaryKey, []string{col}) {
		return true
	}
	for _, ix := range t.Indexes {
		if ix.Unique && slices.Equal(ix.Columns, []string{col}) {
			return true
		}
	}
	return false
}

func (b *builder) schema(source string) *sluice.Schema {
	for _, s := range b.schemas {
		if s.Source == source {
			return s
		}
	}
	return nil
}
