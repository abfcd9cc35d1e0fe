package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/naming"
)

// Key rewriting under keys: uuid. The row's identity becomes
// KeyUUID(source, table, primary key) and every foreign key that points at
// the whole primary key becomes the same function of its own columns, so a
// child's reference equals its parent's identity without any lookup. The
// legacy key is always kept, in the legacy column.

// compositeUUIDColumn is the name of the row uuid a composite primary key gets.
const compositeUUIDColumn = "id"

// applyKeys sets the table's primary key: mapped as it is under keys: keep,
// or rewritten to a row uuid plus the legacy key under keys: uuid.
func (b *builder) applyKeys(st *tableState) {
	pk := st.src.PrimaryKey
	switch {
	case st.merge != nil:
		b.mergedKeys(st)
	case st.t.Keys != config.KeysUUID:
		st.t.PrimaryKey = st.targetNames(pk)
	case len(pk) == 1:
		b.singleUUID(st, pk[0])
	default:
		b.compositeUUID(st, pk)
	}
}

// singleUUID turns the primary key column into the row uuid, and keeps its
// legacy value, with its mapped type, in a unique column right after it.
func (b *builder) singleUUID(st *tableState, pk string) {
	t := st.t
	i := t.columnIndex(pk)
	if i < 0 {
		return // a dropped primary key column is reported by checkRules
	}
	orig := t.Columns[i]
	t.Columns[i] = Column{Name: orig.Name, Type: "uuid", NotNull: true, Role: RoleRowUUID, SourceType: orig.SourceType, KeyColumns: []string{pk}}
	st.markIdentity(&t.Columns[i])
	legacy := Column{
		Name: st.legacy, Type: orig.Type, NotNull: true, Role: RoleLegacyKey,
		SourceType: orig.SourceType, KeyColumns: []string{pk}, ZeroDates: orig.ZeroDates,
	}
	t.Columns = slices.Insert(t.Columns, i+1, legacy)
	t.PrimaryKey = []string{orig.Name}
	t.Indexes = append(t.Indexes, Index{Columns: []string{st.legacy}, Unique: true})
}

// compositeUUID adds a first column "id", the row uuid over every key
// column, and the legacy key as text (KeyText of the values). The original
// key columns stay, unique together.
func (b *builder) compositeUUID(st *tableState, pk []string) {
	t := st.t
	id := Column{Name: compositeUUIDColumn, Type: "uuid", NotNull: true, Role: RoleRowUUID, KeyColumns: st.rootIdentity().keys}
	st.markIdentity(&id)
	legacy := Column{Name: st.legacy, Type: "text", NotNull: true, Role: RoleLegacyKey, KeyColumns: pk}
	t.Columns = append([]Column{id, legacy}, t.Columns...)
	t.PrimaryKey = []string{compositeUUIDColumn}
	t.Indexes = append(t.Indexes, Index{Columns: st.targetNames(pk), Unique: true})
}

// rewriteFK turns a foreign key to the whole primary key of a keys: uuid
// table into a uuid reference to that table's row uuid. Where the foreign
// key's columns are the table's own primary key: a subtype's row uuid
// already is the reference (subtype.go); a keys: keep table keeps its key
// and references the legacy key; any other table keeps its own row uuid and
// gets a reference column, as a composite foreign key does.
func (b *builder) rewriteFK(st, ref *tableState, f sourceFK) {
	switch {
	case st.sharesIdentity(ref, f):
		st.t.addForeignKey(ForeignKey{Columns: st.t.PrimaryKey, RefTable: ref.t.Name, RefColumns: ref.t.PrimaryKey, RefDatabase: refDatabase(st, ref),
			OnDelete: f.OnDelete, OnUpdate: f.OnUpdate})
	case st.t.Keys != config.KeysUUID && len(f.Columns) == 1 && slices.Contains(st.src.PrimaryKey, f.Columns[0]):
		b.legacyFK(st, ref, f)
	case st.uuidKeyIs(f.Columns):
		b.warnOwnIdentity(st, ref, f)
		b.rewriteCompositeFK(st, ref, f)
	case len(f.Columns) == 1:
		b.rewriteSingleFK(st, ref, f)
	default:
		b.rewriteCompositeFK(st, ref, f)
	}
}

// uuidKeyIs reports whether cols are exactly the table's primary key and
// the key becomes the table's row uuid.
func (st *tableState) uuidKeyIs(cols []string) bool {
	return st.t.Keys == config.KeysUUID && sameSet(cols, st.src.PrimaryKey)
}

// legacyFK keeps a key column of a keys: keep table as it is when it
// references a keys: uuid table: the key is the table's legacy key, which
// a rewrite to uuids would lose. Its value is the referenced row's legacy
// key, so the constraint points at the referenced legacy column (unique,
// of the same source type). A merged table's legacy column holds text and
// is unique only with the source: the reference then gets a column.
func (b *builder) legacyFK(st, ref *tableState, f sourceFK) {
	c, legacy := st.t.columnFor(f.Columns[0]), ref.t.legacyColumnOf(f.RefColumns[0])
	if c == nil || legacy == nil || ref.merge != nil {
		b.rewriteCompositeFK(st, ref, f)
		return
	}
	st.t.addForeignKey(ForeignKey{Columns: []string{c.Name}, RefTable: ref.t.Name, RefColumns: []string{legacy.Name}, RefDatabase: refDatabase(st, ref),
		OnDelete: f.OnDelete, OnUpdate: f.OnUpdate})
}

// legacyColumnOf is the legacy column holding source column src alone, or nil.
func (t *Table) legacyColumnOf(src string) *Column {
	for i, c := range t.Columns {
		if c.Role == RoleLegacyKey && slices.Equal(c.KeyColumns, []string{src}) {
			return &t.Columns[i]
		}
	}
	return nil
}

// warnOwnIdentity explains why a table whose primary key references
// another's keeps its own row uuids.
func (b *builder) warnOwnIdentity(st, ref *tableState, f sourceFK) {
	root := st.rootIdentity()
	why := "its rows take the identity of " + root.source + "." + root.table
	switch {
	case st.merge != nil:
		why = "a part of a merged table keeps its own identity"
	case !canBeParent(ref):
		why = "the rows of " + ref.t.ID + " are identified by their natural key (match_on), known only at load time"
	}
	b.warn(st.t.ID, fmt.Sprintf("primary key (%s) references %s, but %s: the rows keep their own uuids, and the reference is a column of its own", joinCols(f.Columns), ref.t.ID, why))
}

// rewriteSingleFK makes the referencing column itself the uuid reference.
func (b *builder) rewriteSingleFK(st, ref *tableState, f sourceFK) {
	col := f.Columns[0]
	c := st.t.columnFor(col)
	if c == nil {
		b.warn(st.t.ID, fmt.Sprintf("foreign key (%s) to %s: the column is dropped; the foreign key is left out", col, ref.t.ID))
		return
	}
	if !b.canRewrite(st, ref, f, c) {
		return
	}
	*c = Column{
		Name: c.Name, Type: "uuid", NotNull: c.NotNull, Role: RoleRefUUID, SourceType: c.SourceType, KeyColumns: []string{col},
		RefSource: ref.t.Source, RefTable: ref.t.SourceTable, Default: c.Default, ZeroDates: c.ZeroDates,
	}
	ref.markIdentity(c)
	st.t.addForeignKey(ForeignKey{Columns: []string{c.Name}, RefTable: ref.t.Name, RefColumns: ref.t.PrimaryKey, RefDatabase: refDatabase(st, ref),
		OnDelete: f.OnDelete, OnUpdate: f.OnUpdate})
}

// canRewrite reports the cases where a column cannot hold the referenced
// row's uuid: it already references another table, or its rule forces
// another type.
func (b *builder) canRewrite(st, ref *tableState, f sourceFK, c *Column) bool {
	col := f.Columns[0]
	line, key := st.columnLine(col), st.columnKey(col)
	if f.line > 0 {
		line, key = f.line, f.key
	}
	override := ""
	if cr := st.rule.Column(col); cr != nil {
		override = cr.Type
	}
	switch {
	case c.Role == RoleRefUUID:
		b.fail(line, key, "keys: uuid: %s references both %s.%s and %s; one column cannot hold both uuids", col, c.RefSource, c.RefTable, ref.t.ID)
	case override != "" && override != "uuid":
		b.fail(line, key, "keys: uuid: %s references %s, whose key becomes uuid; type %s cannot match it", col, ref.t.ID, override)
	default:
		return true
	}
	return false
}

// rewriteCompositeFK adds a uuid column named after the referenced table
// (the first free one of <table>_id, <table>_id_2, ...), computed from the
// foreign key's columns in the order of the referenced identity's key; the
// original columns stay as values.
func (b *builder) rewriteCompositeFK(st, ref *tableState, f sourceFK) {
	keyCols := throughFK(ref.rootIdentity().keys, f)
	notNull := true
	for _, k := range keyCols {
		if c := st.src.Column(k); c == nil || c.Nullable {
			notNull = false
		}
	}
	name := naming.Apply(b.set.naming, ref.t.Name+"_id")
	if st.t.column(name) != nil {
		name = freeName(name, st.t.columnNames())
	}
	c := Column{
		Name: name, Type: "uuid", NotNull: notNull, Role: RoleRefUUID, KeyColumns: keyCols,
		RefSource: ref.t.Source, RefTable: ref.t.SourceTable,
	}
	ref.markIdentity(&c)
	st.t.Columns = slices.Insert(st.t.Columns, st.t.afterColumns(f.Columns), c)
	st.t.addForeignKey(ForeignKey{Columns: []string{name}, RefTable: ref.t.Name, RefColumns: ref.t.PrimaryKey, RefDatabase: refDatabase(st, ref),
		OnDelete: f.OnDelete, OnUpdate: f.OnUpdate})
}

// afterColumns is the position right after the last target column made from
// one of cols, or the end when none is left.
func (t *Table) afterColumns(cols []string) int {
	pos := len(t.Columns)
	for i, c := range t.Columns {
		if c.Role == RoleValue && slices.Contains(cols, c.Source) {
			pos = i + 1
		}
	}
	return pos
}

// referencesWholeKey reports whether a foreign key points at exactly the
// primary key of the referenced table, in any column order.
func referencesWholeKey(f sourceFK, ref *tableState) bool {
	pk := ref.src.PrimaryKey
	if len(pk) == 0 || len(f.RefColumns) != len(pk) {
		return false
	}
	for _, c := range pk {
		if !slices.Contains(f.RefColumns, c) {
			return false
		}
	}
	return true
}

// columnIndex finds the value column made from source column src.
func (t *Table) columnIndex(src string) int {
	for i, c := range t.Columns {
		if c.Role == RoleValue && c.Source == src {
			return i
		}
	}
	return -1
}

// columnFor finds the target column that stands for source column src: its
// value, or the uuid that replaced it (the row's or a reference's).
func (t *Table) columnFor(src string) *Column {
	for i, c := range t.Columns {
		single := len(c.KeyColumns) == 1 && c.KeyColumns[0] == src && c.Role != RoleMatchUUID
		if (c.Role == RoleValue && c.Source == src) || (single && c.Role != RoleLegacyKey) {
			return &t.Columns[i]
		}
	}
	return nil
}

// targetNames maps source columns to the target columns that stand for them.
func (st *tableState) targetNames(cols []string) []string {
	if len(cols) == 0 {
		return nil
	}
	names := make([]string, 0, len(cols))
	for _, c := range cols {
		if tc := st.t.columnFor(c); tc != nil {
			names = append(names, tc.Name)
		}
	}
	return names
}

func (st *tableState) tableKey() string {
	if st.expand != nil {
		return "tables." + st.t.Expansion.Parent + ".expand." + st.expand.Table
	}
	return "tables." + st.t.ID
}

func (st *tableState) columnKey(col string) string {
	return st.tableKey() + ".columns." + col
}

// tableLine is the line of the table's rule, 0 without one.
func (st *tableState) tableLine() int {
	switch {
	case st.expand != nil:
		return st.expand.Line
	case st.rule == nil:
		return 0
	}
	return st.rule.Line
}

// nameLocation is the rule that names the target table: a merged table's
// rule, else the table's.
func (st *tableState) nameLocation() (int, string) {
	if st.merge != nil {
		return st.merge.rule.Line, st.merge.key()
	}
	return st.tableLine(), st.tableKey()
}

// columnLine is the line of the column's rule, else of the table's.
func (st *tableState) columnLine(col string) int {
	if cr := st.rule.Column(col); cr != nil {
		return cr.Line
	}
	return st.tableLine()
}

func joinCols(cols []string) string {
	return strings.Join(cols, ", ")
}
