package mysql

import (
	"context"
	"database/sql"
	"regexp"
	"strings"

	"github.com/sluicedb/sluice"
)

type tableInfo struct {
	name     string
	rows     int64
	rowBytes int64 // AVG_ROW_LENGTH: the data's size over its estimated rows
	// next is the table's AUTO_INCREMENT counter, the number its next row
	// gets; 0 without an AUTO_INCREMENT column.
	next int64
}

// queryTables lists base tables (not views) with the row estimate.
func (s *Source) queryTables(ctx context.Context) ([]tableInfo, error) {
	const q = `SELECT TABLE_NAME, COALESCE(TABLE_ROWS, 0), COALESCE(AVG_ROW_LENGTH, 0), COALESCE(AUTO_INCREMENT, 0) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tables []tableInfo
	for rows.Next() {
		var t tableInfo
		if err := rows.Scan(&t.name, &t.rows, &t.rowBytes, &t.next); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, rows.Err()
}

const columnsSQL = `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT,
	EXTRA, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION
	FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?`

// queryColumns lists the columns of every table, or of one when table is
// not "", in ordinal order.
func (s *Source) queryColumns(ctx context.Context, table string) (map[string][]sluice.Column, error) {
	q, args := columnsSQL, []any{s.database}
	if table != "" {
		q, args = q+" AND TABLE_NAME = ?", append(args, table)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY TABLE_NAME, ORDINAL_POSITION", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := map[string][]sluice.Column{}
	for rows.Next() {
		tableName, col, err := scanColumn(rows)
		if err != nil {
			return nil, err
		}
		cols[tableName] = append(cols[tableName], col)
	}
	return cols, rows.Err()
}

func scanColumn(rows *sql.Rows) (string, sluice.Column, error) {
	var table, nullable, extra string
	var def sql.NullString
	var col sluice.Column
	var info columnInfo
	err := rows.Scan(&table, &col.Name, &info.ColumnType, &info.DataType, &nullable, &def, &extra,
		&info.CharMaxLength, &info.NumericPrecision, &info.NumericScale, &info.DatetimePrecision)
	if err != nil {
		return "", col, err
	}
	if col.Type, err = mapType(info); err != nil {
		return "", col, err
	}
	col.Nullable = nullable == "YES"
	col.AutoIncrement = strings.Contains(strings.ToLower(extra), "auto_increment")
	// MariaDB reports "no default" and DEFAULT NULL as the text NULL (a
	// string default comes quoted); MySQL reports SQL NULL.
	if def.Valid && def.String != "NULL" {
		col.Default = &def.String
	}
	return table, col, nil
}

var jsonValidCheck = regexp.MustCompile("(?i)^json_valid\\(`((?:[^`]|``)+)`\\)$")

// queryJSONChecks finds MariaDB's JSON columns: MariaDB stores json as
// longtext with a json_valid CHECK constraint. MySQL has a real JSON type.
func (s *Source) queryJSONChecks(ctx context.Context) (map[string]map[string]bool, error) {
	var version string
	if err := s.db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return nil, err
	}
	if !strings.Contains(version, "MariaDB") {
		return nil, nil
	}
	const q = `SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[string]map[string]bool{}
	for rows.Next() {
		var table, clause string
		if err := rows.Scan(&table, &clause); err != nil {
			return nil, err
		}
		if m := jsonValidCheck.FindStringSubmatch(strings.TrimSpace(clause)); m != nil {
			if found[table] == nil {
				found[table] = map[string]bool{}
			}
			found[table][strings.ReplaceAll(m[1], "``", "`")] = true
		}
	}
	return found, rows.Err()
}

// queryForeignKeys lists foreign keys inside this database, composite ones
// with their columns in order. A reference to another database is left out:
// the config declares references across sources.
func (s *Source) queryForeignKeys(ctx context.Context) (map[string][]sluice.ForeignKey, error) {
	const q = `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
		FROM information_schema.KEY_COLUMN_USAGE k
		JOIN information_schema.REFERENTIAL_CONSTRAINTS r
		  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
		WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_SCHEMA = k.TABLE_SCHEMA
		ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`
	rows, err := s.db.QueryContext(ctx, q, s.database)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	fks := map[string][]sluice.ForeignKey{}
	for rows.Next() {
		var table, name, col, refTable, refCol string
		if err := rows.Scan(&table, &name, &col, &refTable, &refCol); err != nil {
			return nil, err
		}
		list := fks[table]
		if n := len(list); n == 0 || list[n-1].Name != name {
			list = append(list, sluice.ForeignKey{Name: name, RefTable: refTable})
		}
		last := &list[len(list)-1]
		last.Columns = append(last.Columns, col)
		last.RefColumns = append(last.RefColumns, refCol)
		fks[table] = list
	}
	return fks, rows.Err()
}
