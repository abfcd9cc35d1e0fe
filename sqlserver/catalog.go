package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
)

// The catalog queries read one view each; introspect joins them by object
// and column ids. Each returns rows as small structs.

type schemaRow struct {
	id   int64
	name string
}

type tableRow struct {
	objectID, schemaID int64
	name               string
}

type columnRow struct {
	objectID, columnID     int64
	name                   string
	systemTypeID, userType int64
	maxLength              int64
	precision, scale       int64
	collation              sql.NullString
	codePage               sql.NullInt64
	nullable, identity     bool
	computed               bool
}

type typeRow struct {
	userTypeID, systemTypeID int64
	name                     string
	userDefined              bool
}

type indexRow struct {
	objectID, indexID   int64
	kind                int64 // sys.indexes.type: 1 clustered, 2 nonclustered, 3 XML, 4 spatial, 5-6 columnstore
	name                sql.NullString
	unique, primary, uq bool
	filtered            bool
}

type indexColumnRow struct {
	objectID, indexID, columnID, ordinal int64
	included                             bool
}

type foreignKeyRow struct {
	objectID, parentID, refID int64
	name                      string
	onDelete, onUpdate        int64
}

type foreignKeyColumnRow struct {
	fkID, ordinal, parentColumn, refColumn int64
}

type checkRow struct {
	parentID   int64
	name, expr string
}

type defaultRow struct {
	parentID, columnID int64
	expr               string
}

type computedRow struct {
	objectID, columnID int64
	expr               string
}

type objectRow struct {
	objectID, schemaID, parentID int64
	name, typ                    string
}

type moduleRow struct {
	objectID   int64
	definition sql.NullString
}

type propertyRow struct {
	majorID, minorID int64
	value            sql.NullString
}

type partitionRow struct {
	objectID, rows int64
}

// scanAll runs a catalog query and scans each row with scan.
func scanAll[T any](ctx context.Context, db *sql.DB, what, query string, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, classify(err))
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", what, classify(err))
	}
	return out, nil
}

func (s *Source) querySchemas(ctx context.Context) ([]schemaRow, error) {
	return scanAll(ctx, s.db, "schemas", "SELECT schema_id, name FROM sys.schemas",
		func(r *sql.Rows, v *schemaRow) error { return r.Scan(&v.id, &v.name) })
}

func (s *Source) queryTables(ctx context.Context) ([]tableRow, error) {
	return scanAll(ctx, s.db, "tables", "SELECT object_id, schema_id, name FROM sys.tables WHERE is_ms_shipped = 0",
		func(r *sql.Rows, v *tableRow) error { return r.Scan(&v.objectID, &v.schemaID, &v.name) })
}

// queryColumns reads every column with its code page, which the server
// knows from the collation name (NULL for columns without one).
func (s *Source) queryColumns(ctx context.Context) ([]columnRow, error) {
	const q = `SELECT object_id, column_id, name, CAST(system_type_id AS int), user_type_id,
		CAST(max_length AS int), CAST(precision AS int), CAST(scale AS int), collation_name,
		CAST(COLLATIONPROPERTY(collation_name, 'CodePage') AS int), is_nullable, is_identity, is_computed
		FROM sys.columns`
	return scanAll(ctx, s.db, "columns", q, func(r *sql.Rows, v *columnRow) error {
		return r.Scan(&v.objectID, &v.columnID, &v.name, &v.systemTypeID, &v.userType, &v.maxLength,
			&v.precision, &v.scale, &v.collation, &v.codePage, &v.nullable, &v.identity, &v.computed)
	})
}

func (s *Source) queryTypes(ctx context.Context) ([]typeRow, error) {
	return scanAll(ctx, s.db, "types", "SELECT user_type_id, CAST(system_type_id AS int), name, is_user_defined FROM sys.types",
		func(r *sql.Rows, v *typeRow) error {
			return r.Scan(&v.userTypeID, &v.systemTypeID, &v.name, &v.userDefined)
		})
}

func (s *Source) queryIndexes(ctx context.Context) ([]indexRow, error) {
	const q = `SELECT object_id, index_id, CAST(type AS int), name, is_unique, is_primary_key, is_unique_constraint, has_filter
		FROM sys.indexes WHERE index_id > 0`
	return scanAll(ctx, s.db, "indexes", q, func(r *sql.Rows, v *indexRow) error {
		return r.Scan(&v.objectID, &v.indexID, &v.kind, &v.name, &v.unique, &v.primary, &v.uq, &v.filtered)
	})
}

func (s *Source) queryIndexColumns(ctx context.Context) ([]indexColumnRow, error) {
	const q = `SELECT object_id, index_id, column_id, CAST(key_ordinal AS int), is_included_column FROM sys.index_columns`
	return scanAll(ctx, s.db, "index columns", q, func(r *sql.Rows, v *indexColumnRow) error {
		return r.Scan(&v.objectID, &v.indexID, &v.columnID, &v.ordinal, &v.included)
	})
}

func (s *Source) queryForeignKeys(ctx context.Context) ([]foreignKeyRow, error) {
	const q = `SELECT object_id, parent_object_id, referenced_object_id, name,
		CAST(delete_referential_action AS int), CAST(update_referential_action AS int) FROM sys.foreign_keys`
	return scanAll(ctx, s.db, "foreign keys", q, func(r *sql.Rows, v *foreignKeyRow) error {
		return r.Scan(&v.objectID, &v.parentID, &v.refID, &v.name, &v.onDelete, &v.onUpdate)
	})
}

func (s *Source) queryForeignKeyColumns(ctx context.Context) ([]foreignKeyColumnRow, error) {
	const q = `SELECT constraint_object_id, constraint_column_id, parent_column_id, referenced_column_id FROM sys.foreign_key_columns`
	return scanAll(ctx, s.db, "foreign key columns", q, func(r *sql.Rows, v *foreignKeyColumnRow) error {
		return r.Scan(&v.fkID, &v.ordinal, &v.parentColumn, &v.refColumn)
	})
}

func (s *Source) queryChecks(ctx context.Context) ([]checkRow, error) {
	return scanAll(ctx, s.db, "check constraints", "SELECT parent_object_id, name, definition FROM sys.check_constraints",
		func(r *sql.Rows, v *checkRow) error { return r.Scan(&v.parentID, &v.name, &v.expr) })
}

func (s *Source) queryDefaults(ctx context.Context) ([]defaultRow, error) {
	return scanAll(ctx, s.db, "defaults", "SELECT parent_object_id, parent_column_id, definition FROM sys.default_constraints",
		func(r *sql.Rows, v *defaultRow) error { return r.Scan(&v.parentID, &v.columnID, &v.expr) })
}

func (s *Source) queryComputed(ctx context.Context) ([]computedRow, error) {
	return scanAll(ctx, s.db, "computed columns", "SELECT object_id, column_id, definition FROM sys.computed_columns",
		func(r *sql.Rows, v *computedRow) error { return r.Scan(&v.objectID, &v.columnID, &v.expr) })
}

// queryObjects lists views, triggers, procedures, functions and sequences.
func (s *Source) queryObjects(ctx context.Context) ([]objectRow, error) {
	const q = `SELECT object_id, schema_id, parent_object_id, name, type FROM sys.objects
		WHERE type IN ('V', 'TR', 'P', 'FN', 'IF', 'TF', 'SO') AND is_ms_shipped = 0`
	return scanAll(ctx, s.db, "views, triggers and routines", q, func(r *sql.Rows, v *objectRow) error {
		return r.Scan(&v.objectID, &v.schemaID, &v.parentID, &v.name, &v.typ)
	})
}

func (s *Source) queryModules(ctx context.Context) ([]moduleRow, error) {
	return scanAll(ctx, s.db, "module definitions", "SELECT object_id, definition FROM sys.sql_modules",
		func(r *sql.Rows, v *moduleRow) error { return r.Scan(&v.objectID, &v.definition) })
}

// queryDescriptions reads the MS_Description extended properties of tables
// (minor_id 0) and columns.
func (s *Source) queryDescriptions(ctx context.Context) ([]propertyRow, error) {
	const q = `SELECT major_id, minor_id, CAST(value AS nvarchar(4000)) FROM sys.extended_properties
		WHERE class = 1 AND name = 'MS_Description'`
	return scanAll(ctx, s.db, "descriptions", q, func(r *sql.Rows, v *propertyRow) error {
		return r.Scan(&v.majorID, &v.minorID, &v.value)
	})
}

func (s *Source) queryRowCounts(ctx context.Context) ([]partitionRow, error) {
	return scanAll(ctx, s.db, "row counts", "SELECT object_id, rows FROM sys.partitions WHERE index_id IN (0, 1)",
		func(r *sql.Rows, v *partitionRow) error { return r.Scan(&v.objectID, &v.rows) })
}
