package tds

import (
	"fmt"
	"strings"
)

// The catalog views the test server answers, built from a database's
// fixture model on each query. Their columns are the subset of SQL Server's
// that Sluice's source and common clients read, with the same names and types.

type viewBuilder struct {
	cols []scopeCol
	rows func(s *session, db *Database) [][]any
}

var catalogViews map[string]viewBuilder

func init() {
	catalogViews = map[string]viewBuilder{
		"databases":                 {cols("name sysname", "database_id int", "collation_name sysname", "snapshot_isolation_state tinyint", "is_read_committed_snapshot_on bit", "compatibility_level tinyint", "state_desc nvarchar(60)", "is_cdc_enabled bit"), databasesRows},
		"schemas":                   {cols("name sysname", "schema_id int", "principal_id int"), schemasRows},
		"tables":                    {cols("name sysname", "object_id int", "schema_id int", "type char(2)", "is_ms_shipped bit", "temporal_type tinyint", "is_tracked_by_cdc bit"), tablesRows},
		"objects":                   {cols("name sysname", "object_id int", "schema_id int", "parent_object_id int", "type char(2)", "type_desc nvarchar(60)", "is_ms_shipped bit"), objectsRows},
		"columns":                   {cols("object_id int", "name sysname", "column_id int", "system_type_id tinyint", "user_type_id int", "max_length smallint", "precision tinyint", "scale tinyint", "collation_name sysname", "is_nullable bit", "is_identity bit", "is_computed bit"), columnsRows},
		"types":                     {cols("name sysname", "system_type_id tinyint", "user_type_id int", "schema_id int", "max_length smallint", "precision tinyint", "scale tinyint", "collation_name sysname", "is_nullable bit", "is_user_defined bit", "is_assembly_type bit"), typesRows},
		"indexes":                   {cols("object_id int", "name sysname", "index_id int", "type tinyint", "type_desc nvarchar(60)", "is_unique bit", "is_primary_key bit", "is_unique_constraint bit", "is_disabled bit", "has_filter bit", "filter_definition nvarchar(max)"), indexesRows},
		"index_columns":             {cols("object_id int", "index_id int", "index_column_id int", "column_id int", "key_ordinal tinyint", "is_descending_key bit", "is_included_column bit"), indexColumnsRows},
		"key_constraints":           {cols("name sysname", "object_id int", "parent_object_id int", "schema_id int", "type char(2)", "unique_index_id int"), keyConstraintsRows},
		"foreign_keys":              {cols("name sysname", "object_id int", "parent_object_id int", "referenced_object_id int", "delete_referential_action tinyint", "update_referential_action tinyint", "is_disabled bit"), foreignKeysRows},
		"foreign_key_columns":       {cols("constraint_object_id int", "constraint_column_id int", "parent_object_id int", "parent_column_id int", "referenced_object_id int", "referenced_column_id int"), foreignKeyColumnsRows},
		"check_constraints":         {cols("name sysname", "object_id int", "parent_object_id int", "parent_column_id int", "definition nvarchar(max)", "is_disabled bit"), checksRows},
		"default_constraints":       {cols("name sysname", "object_id int", "parent_object_id int", "parent_column_id int", "definition nvarchar(max)"), defaultsRows},
		"identity_columns":          {cols("object_id int", "column_id int", "name sysname", "seed_value sql_variant", "increment_value sql_variant", "last_value sql_variant"), identityRows},
		"computed_columns":          {cols("object_id int", "column_id int", "name sysname", "definition nvarchar(max)", "is_persisted bit"), computedRows},
		"sql_modules":               {cols("object_id int", "definition nvarchar(max)"), modulesRows},
		"extended_properties":       {cols("class tinyint", "major_id int", "minor_id int", "name sysname", "value sql_variant"), propertiesRows},
		"partitions":                {cols("object_id int", "index_id int", "partition_number int", "rows bigint"), partitionsRows},
		"dm_server_services":        {cols("servicename nvarchar(256)", "status_desc nvarchar(256)"), serverServicesRows},
		"change_tracking_databases": {cols("database_id int", "is_auto_cleanup_on bit", "retention_period int", "retention_period_units tinyint"), ctDatabasesRows},
		"change_tracking_tables":    {cols("object_id int", "min_valid_version bigint", "is_track_columns_updated_on bit"), ctTablesRows},
	}
}

// cols builds view columns from "name type" texts.
func cols(specs ...string) []scopeCol {
	out := make([]scopeCol, len(specs))
	for i, spec := range specs {
		name, typ, _ := strings.Cut(spec, " ")
		p, err := newParser(typ)
		if err != nil {
			panic(err)
		}
		ref, err := p.typeSpec()
		if err != nil {
			panic(err)
		}
		t, err := MakeType(ref.name, ref.args, DefaultCollation)
		if err != nil {
			panic(fmt.Sprintf("catalog column %s: %v", spec, err))
		}
		out[i] = scopeCol{name: name, typ: t, nullable: true}
	}
	return out
}

func databasesRows(s *session, _ *Database) [][]any {
	var rows [][]any
	for i, db := range s.srv.databaseList() {
		snap := int64(0)
		if db.Snapshot {
			snap = 1
		}
		rows = append(rows, []any{db.Name, int64(5 + i), db.Collation.Name, snap, false, int64(160), "ONLINE", db.cdc.enabled})
	}
	return rows
}

func schemasRows(_ *session, db *Database) [][]any {
	rows := [][]any{{"sys", int64(4), int64(4)}, {"INFORMATION_SCHEMA", int64(3), int64(3)}}
	for _, name := range db.Schemas {
		rows = append(rows, []any{name, int64(db.SchemaID(name)), int64(1)})
	}
	return rows
}

func tablesRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		rows = append(rows, []any{t.Name, int64(t.ID), int64(db.SchemaID(t.Schema)), "U ", false, int64(0), len(db.capturesOf(t)) > 0})
	}
	return rows
}

func objectsRows(_ *session, db *Database) [][]any {
	var rows [][]any
	desc := map[string]string{"U ": "USER_TABLE", "V ": "VIEW", "TR": "SQL_TRIGGER", "P ": "SQL_STORED_PROCEDURE", "FN": "SQL_SCALAR_FUNCTION", "IF": "SQL_INLINE_TABLE_VALUED_FUNCTION", "TF": "SQL_TABLE_VALUED_FUNCTION"}
	for _, t := range db.Tables {
		rows = append(rows, []any{t.Name, int64(t.ID), int64(db.SchemaID(t.Schema)), int64(0), "U ", desc["U "], false})
	}
	for _, m := range db.Objects {
		parent := int64(0)
		if m.Parent != nil {
			parent = int64(m.Parent.ID)
		}
		typ := (m.Type + " ")[:2]
		rows = append(rows, []any{m.Name, int64(m.ID), int64(db.SchemaID(m.Schema)), parent, typ, desc[typ], false})
	}
	return rows
}

func columnsRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for i, c := range t.Columns {
			prec, scale := c.Type.PrecisionScale()
			var coll any
			if c.Type.Collation != nil {
				coll = c.Type.Collation.Name
			}
			rows = append(rows, []any{int64(t.ID), c.Name, int64(i + 1), int64(c.Type.sys().id),
				int64(userTypeID(db, c.Type)), int64(c.Type.MaxLength()), int64(prec), int64(scale), coll,
				c.Nullable, c.Identity != nil, c.Computed != ""})
		}
	}
	return rows
}

// userTypeID is sys.columns.user_type_id: the alias type's id, or the
// system type's.
func userTypeID(db *Database, t ColType) int {
	if t.Alias != "" {
		for _, a := range db.Types {
			if strings.EqualFold(a.Name, t.Alias) {
				return a.ID
			}
		}
	}
	return t.sys().userID
}

func typesRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, name := range systemTypeNames() {
		st := systemTypes[name]
		var coll any
		if st.kind == famChar || st.kind == famNChar || st.kind == famText || st.kind == famNText {
			coll = db.Collation.Name
		}
		rows = append(rows, []any{name, int64(st.id), int64(st.userID), int64(4), int64(st.maxLength),
			int64(st.precision), int64(st.scale), coll, true, false, st.kind == famUDT})
	}
	for _, a := range db.Types {
		prec, scale := a.Base.PrecisionScale()
		var coll any
		if a.Base.Collation != nil {
			coll = a.Base.Collation.Name
		}
		rows = append(rows, []any{a.Name, int64(a.Base.sys().id), int64(a.ID), int64(db.SchemaID(a.Schema)),
			int64(a.Base.MaxLength()), int64(prec), int64(scale), coll, a.Nullable, true, false})
	}
	return rows
}

// indexEntry is one row of sys.indexes for a table, in index_id order.
type indexEntry struct {
	id        int
	name      any
	kind      int // 0 heap, 1 clustered, 2 nonclustered
	unique    bool
	pk, uq    bool
	columns   []string
	keyObject int
}

func tableIndexes(t *Table) []indexEntry {
	var out []indexEntry
	next := 2
	if pk := t.PrimaryKey; pk != nil && pk.Clustered {
		out = append(out, indexEntry{id: 1, name: pk.Name, kind: 1, unique: true, pk: true, columns: pk.Columns, keyObject: pk.ID})
	} else {
		out = append(out, indexEntry{id: 0, kind: 0})
		if pk != nil {
			out = append(out, indexEntry{id: next, name: pk.Name, kind: 2, unique: true, pk: true, columns: pk.Columns, keyObject: pk.ID})
			next++
		}
	}
	for _, u := range t.Uniques {
		out = append(out, indexEntry{id: next, name: u.Name, kind: 2, unique: true, uq: true, columns: u.Columns, keyObject: u.ID})
		next++
	}
	for _, ix := range t.Indexes {
		kind := 2
		if ix.Spatial {
			kind = 4
		}
		out = append(out, indexEntry{id: next, name: ix.Name, kind: kind, unique: ix.Unique, columns: ix.Columns})
		next++
	}
	return out
}

func indexesRows(_ *session, db *Database) [][]any {
	var rows [][]any
	desc := []string{"HEAP", "CLUSTERED", "NONCLUSTERED", "XML", "SPATIAL"}
	for _, t := range db.Tables {
		for _, ix := range tableIndexes(t) {
			rows = append(rows, []any{int64(t.ID), ix.name, int64(ix.id), int64(ix.kind), desc[ix.kind],
				ix.unique, ix.pk, ix.uq, false, false, nil})
		}
	}
	return rows
}

func indexColumnsRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for _, ix := range tableIndexes(t) {
			idx, _ := t.columnIndexes(ix.columns)
			for k, ci := range idx {
				rows = append(rows, []any{int64(t.ID), int64(ix.id), int64(k + 1), int64(ci + 1), int64(k + 1), false, false})
			}
		}
	}
	return rows
}

func keyConstraintsRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for _, ix := range tableIndexes(t) {
			if ix.pk || ix.uq {
				typ := "UQ"
				if ix.pk {
					typ = "PK"
				}
				rows = append(rows, []any{ix.name, int64(ix.keyObject), int64(t.ID), int64(db.SchemaID(t.Schema)), typ, int64(ix.id)})
			}
		}
	}
	return rows
}

var fkActions = map[string]int64{"NO_ACTION": 0, "CASCADE": 1, "SET_NULL": 2, "SET_DEFAULT": 3}

func foreignKeysRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for _, fk := range t.ForeignKeys {
			ref := db.Table(fk.RefSchema, fk.RefTable)
			rows = append(rows, []any{fk.Name, int64(fk.ID), int64(t.ID), int64(ref.ID), fkActions[fk.OnDelete], fkActions[fk.OnUpdate], false})
		}
	}
	return rows
}

func foreignKeyColumnsRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for _, fk := range t.ForeignKeys {
			ref := db.Table(fk.RefSchema, fk.RefTable)
			from, _ := t.columnIndexes(fk.Columns)
			to, _ := ref.columnIndexes(fk.RefColumns)
			for k := range from {
				rows = append(rows, []any{int64(fk.ID), int64(k + 1), int64(t.ID), int64(from[k] + 1), int64(ref.ID), int64(to[k] + 1)})
			}
		}
	}
	return rows
}

func checksRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for _, c := range t.Checks {
			rows = append(rows, []any{c.Name, int64(c.ID), int64(t.ID), int64(0), c.Definition, false})
		}
	}
	return rows
}

func defaultsRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for i, c := range t.Columns {
			if d := c.Default; d != nil {
				rows = append(rows, []any{d.Name, int64(d.ID), int64(t.ID), int64(i + 1), d.Definition})
			}
		}
	}
	return rows
}

func identityRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for i, c := range t.Columns {
			if id := c.Identity; id != nil {
				var last any
				if len(t.Rows) > 0 {
					last = Variant{Type: c.Type, Value: id.Last}
				}
				rows = append(rows, []any{int64(t.ID), int64(i + 1), c.Name,
					Variant{Type: c.Type, Value: id.Seed}, Variant{Type: c.Type, Value: id.Increment}, last})
			}
		}
	}
	return rows
}

func computedRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for i, c := range t.Columns {
			if c.Computed != "" {
				rows = append(rows, []any{int64(t.ID), int64(i + 1), c.Name, "(" + c.Computed + ")", c.Persisted})
			}
		}
	}
	return rows
}

func modulesRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, m := range db.Objects {
		rows = append(rows, []any{int64(m.ID), m.Definition})
	}
	return rows
}

func propertiesRows(_ *session, db *Database) [][]any {
	var rows [][]any
	text := ColType{Name: "nvarchar", Length: 4000, Collation: DefaultCollation}
	for _, t := range db.Tables {
		if t.Description != "" {
			rows = append(rows, []any{int64(1), int64(t.ID), int64(0), "MS_Description", Variant{Type: text, Value: t.Description}})
		}
		for i, c := range t.Columns {
			if c.Description != "" {
				rows = append(rows, []any{int64(1), int64(t.ID), int64(i + 1), "MS_Description", Variant{Type: text, Value: c.Description}})
			}
		}
	}
	return rows
}

func partitionsRows(_ *session, db *Database) [][]any {
	var rows [][]any
	for _, t := range db.Tables {
		for _, ix := range tableIndexes(t) {
			rows = append(rows, []any{int64(t.ID), int64(ix.id), int64(1), int64(len(t.Rows))})
		}
	}
	return rows
}
