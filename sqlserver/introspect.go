package sqlserver

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
)

// catalog holds every catalog query's rows, read once per Introspect.
type catalog struct {
	schemas     []schemaRow
	tables      []tableRow
	columns     []columnRow
	types       []typeRow
	indexes     []indexRow
	indexCols   []indexColumnRow
	fks         []foreignKeyRow
	fkCols      []foreignKeyColumnRow
	checks      []checkRow
	defaults    []defaultRow
	computed    []computedRow
	objects     []objectRow
	modules     []moduleRow
	comments    []propertyRow
	rowCounts   []partitionRow
	schemaNames map[int64]string
	typeNames   map[int64]typeRow
}

func (s *Source) readCatalog(ctx context.Context) (*catalog, error) {
	c := &catalog{}
	var err error
	steps := []func(){
		func() { c.schemas, err = s.querySchemas(ctx) },
		func() { c.tables, err = s.queryTables(ctx) },
		func() { c.columns, err = s.queryColumns(ctx) },
		func() { c.types, err = s.queryTypes(ctx) },
		func() { c.indexes, err = s.queryIndexes(ctx) },
		func() { c.indexCols, err = s.queryIndexColumns(ctx) },
		func() { c.fks, err = s.queryForeignKeys(ctx) },
		func() { c.fkCols, err = s.queryForeignKeyColumns(ctx) },
		func() { c.checks, err = s.queryChecks(ctx) },
		func() { c.defaults, err = s.queryDefaults(ctx) },
		func() { c.computed, err = s.queryComputed(ctx) },
		func() { c.objects, err = s.queryObjects(ctx) },
		func() { c.modules, err = s.queryModules(ctx) },
		func() { c.comments, err = s.queryDescriptions(ctx) },
		func() { c.rowCounts, err = s.queryRowCounts(ctx) },
	}
	for _, step := range steps {
		if step(); err != nil {
			return nil, fmt.Errorf("introspect %s: %w", s.name, err)
		}
	}
	c.schemaNames = map[int64]string{}
	for _, sc := range c.schemas {
		c.schemaNames[sc.id] = sc.name
	}
	c.typeNames = map[int64]typeRow{}
	for _, t := range c.types {
		c.typeNames[t.userTypeID] = t
	}
	return c, nil
}

// tableName is a table's name in Sluice: bare in dbo, schema.table in any
// other schema, so that two schemas' tables of one name stay apart.
func tableName(schema, table string) string {
	if strings.EqualFold(schema, "dbo") {
		return table
	}
	return schema + "." + table
}

// wanted reports whether the URL's schema list includes schema.
func (s *Source) wanted(schema string) bool {
	if len(s.schemas) == 0 {
		return true
	}
	for _, w := range s.schemas {
		if strings.EqualFold(w, schema) {
			return true
		}
	}
	return false
}

// Introspect reads the tables of the database (of the URL's schemas),
// with their columns, keys, indexes, foreign keys, checks, defaults,
// identity and computed columns and descriptions, and its views,
// triggers, procedures and functions.
func (s *Source) Introspect(ctx context.Context) (*sluice.Schema, error) {
	c, err := s.readCatalog(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*sluice.Table{}
	infos := map[string]*tableInfo{}
	schema := &sluice.Schema{Source: s.name, Engine: "sqlserver"}
	for _, tr := range c.tables {
		sc := c.schemaNames[tr.schemaID]
		if !s.wanted(sc) {
			continue
		}
		t, info, err := c.buildTable(tr, sc)
		if err != nil {
			return nil, fmt.Errorf("introspect %s: %w", s.name, err)
		}
		schema.Tables = append(schema.Tables, *t)
		infos[t.Name] = info
	}
	for i := range schema.Tables {
		byID[infos[schema.Tables[i].Name].objectID] = &schema.Tables[i]
	}
	c.addForeignKeys(byID)
	schema.Objects = c.buildObjects(byID, s.wanted)
	s.mu.Lock()
	s.tables = infos
	s.mu.Unlock()
	return schema, nil
}

func (c *catalog) buildTable(tr tableRow, schemaName string) (*sluice.Table, *tableInfo, error) {
	t := &sluice.Table{Name: tableName(schemaName, tr.name)}
	info := &tableInfo{schema: schemaName, name: tr.name, objectID: tr.objectID}
	cols := c.columnsOf(tr.objectID)
	for _, cr := range cols {
		col, ci, err := c.buildColumn(cr)
		if err != nil {
			return nil, nil, fmt.Errorf("table %s column %s: %w", t.Name, cr.name, err)
		}
		t.Columns = append(t.Columns, col)
		info.columns = append(info.columns, ci)
	}
	c.addKeys(t, tr.objectID, cols)
	info.key = t.PrimaryKey
	for _, ch := range c.checks {
		if ch.parentID == tr.objectID {
			t.Checks = append(t.Checks, sluice.Check{Name: ch.name, Expr: ch.expr})
		}
	}
	for _, p := range c.comments {
		if p.majorID == tr.objectID && p.minorID == 0 {
			t.Comment = p.value.String
		}
	}
	for _, p := range c.rowCounts {
		if p.objectID == tr.objectID {
			t.Rows += p.rows
		}
	}
	return t, info, nil
}

func (c *catalog) columnsOf(objectID int64) []columnRow {
	var out []columnRow
	for _, cr := range c.columns {
		if cr.objectID == objectID {
			out = append(out, cr)
		}
	}
	slices.SortFunc(out, func(a, b columnRow) int { return int(a.columnID - b.columnID) })
	return out
}

// systemTypeName resolves a column's type: its user type, or, for an alias
// type, the system type it is based on.
func (c *catalog) systemTypeName(cr columnRow) (name, alias string) {
	t := c.typeNames[cr.userType]
	if !t.userDefined {
		return t.name, ""
	}
	for _, base := range c.types {
		if !base.userDefined && base.userTypeID == cr.systemTypeID {
			return base.name, t.name
		}
	}
	return t.name, t.name
}

func (c *catalog) buildColumn(cr columnRow) (sluice.Column, columnInfo, error) {
	typeName, alias := c.systemTypeName(cr)
	typ, err := mapType(typeName, alias, int(cr.maxLength), int(cr.precision), int(cr.scale))
	if err != nil {
		return sluice.Column{}, columnInfo{}, err
	}
	col := sluice.Column{Name: cr.name, Type: typ, Nullable: cr.nullable, AutoIncrement: cr.identity}
	for _, d := range c.defaults {
		if d.parentID == cr.objectID && d.columnID == cr.columnID {
			expr := d.expr
			col.Default = &expr
		}
	}
	for _, g := range c.computed {
		if g.objectID == cr.objectID && g.columnID == cr.columnID {
			col.Generated = g.expr
		}
	}
	for _, p := range c.comments {
		if p.majorID == cr.objectID && p.minorID == cr.columnID {
			col.Comment = p.value.String
		}
	}
	info := columnInfo{name: cr.name, typeName: typeName, kind: typ.Kind, computed: col.Generated != "",
		declared: declaredType(typeName, int(cr.maxLength), int(cr.precision), int(cr.scale))}
	switch typeName {
	case "char", "varchar", "text":
		info.charset = charsetName(int(cr.codePage.Int64))
		col.Charset = info.charset
	}
	return col, info, nil
}

// addKeys sets the primary key and lists unique constraints and indexes by
// their key columns (included columns left out). A filtered index is
// unique only over its filter, so it is listed as not unique: keyset
// pagination must not walk it.
func (c *catalog) addKeys(t *sluice.Table, objectID int64, cols []columnRow) {
	names := map[int64]string{}
	for _, cr := range cols {
		names[cr.columnID] = cr.name
	}
	for _, ix := range c.indexes {
		if ix.objectID != objectID {
			continue
		}
		keyCols := c.indexKey(ix, names)
		switch {
		case ix.primary:
			t.PrimaryKey = keyCols
		default:
			t.Indexes = append(t.Indexes, sluice.Index{Name: ix.name.String, Columns: keyCols,
				Unique: ix.unique && !ix.filtered, Method: indexMethods[ix.kind]})
		}
	}
}

// indexMethods names the index types that are not B-trees.
var indexMethods = map[int64]string{3: "xml", 4: sluice.IndexSpatial, 5: "columnstore", 6: "columnstore", 7: "hash"}

func (c *catalog) indexKey(ix indexRow, names map[int64]string) []string {
	var parts []indexColumnRow
	for _, ic := range c.indexCols {
		if ic.objectID == ix.objectID && ic.indexID == ix.indexID && !ic.included && ic.ordinal > 0 {
			parts = append(parts, ic)
		}
	}
	slices.SortFunc(parts, func(a, b indexColumnRow) int { return int(a.ordinal - b.ordinal) })
	cols := make([]string, len(parts))
	for i, p := range parts {
		cols[i] = names[p.columnID]
	}
	return cols
}

var fkActions = map[int64]sluice.FKAction{0: sluice.NoAction, 1: sluice.Cascade, 2: sluice.SetNull, 3: sluice.SetDefault}

// addForeignKeys attaches each foreign key between two tables that are
// read; one into a schema the URL leaves out is not reported.
func (c *catalog) addForeignKeys(byID map[int64]*sluice.Table) {
	for _, fk := range c.fks {
		from, to := byID[fk.parentID], byID[fk.refID]
		if from == nil || to == nil {
			continue
		}
		var parts []foreignKeyColumnRow
		for _, fc := range c.fkCols {
			if fc.fkID == fk.objectID {
				parts = append(parts, fc)
			}
		}
		slices.SortFunc(parts, func(a, b foreignKeyColumnRow) int { return int(a.ordinal - b.ordinal) })
		out := sluice.ForeignKey{Name: fk.name, RefTable: to.Name, OnDelete: fkActions[fk.onDelete], OnUpdate: fkActions[fk.onUpdate]}
		for _, p := range parts {
			out.Columns = append(out.Columns, from.Columns[p.parentColumn-1].Name)
			out.RefColumns = append(out.RefColumns, to.Columns[p.refColumn-1].Name)
		}
		from.ForeignKeys = append(from.ForeignKeys, out)
	}
}

var objectKinds = map[string]sluice.ObjectKind{
	"V": sluice.ObjectView, "TR": sluice.ObjectTrigger, "P": sluice.ObjectProcedure,
	"FN": sluice.ObjectFunction, "IF": sluice.ObjectFunction, "TF": sluice.ObjectFunction, "SO": sluice.ObjectSequence,
}

func (c *catalog) buildObjects(byID map[int64]*sluice.Table, wanted func(string) bool) []sluice.Object {
	defs := map[int64]string{}
	for _, m := range c.modules {
		defs[m.objectID] = m.definition.String
	}
	var out []sluice.Object
	for _, o := range c.objects {
		sc := c.schemaNames[o.schemaID]
		if !wanted(sc) {
			continue
		}
		obj := sluice.Object{Kind: objectKinds[strings.TrimSpace(o.typ)], Name: tableName(sc, o.name), Definition: defs[o.objectID]}
		if t := byID[o.parentID]; t != nil {
			obj.Table = t.Name
		}
		out = append(out, obj)
	}
	return out
}
