package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

type fkRow struct {
	id                 int
	refTable           string
	from               string
	to                 sql.NullString
	onUpdate, onDelete string
}

// foreignKeys reads pragma foreign_key_list: one row per column, grouped by
// id, in seq order. "REFERENCES parent" without columns names the parent's
// primary key, which is resolved here. SQLite keeps no constraint names, so
// each key gets PostgreSQL's: <table>_<columns>_fkey.
func (s *Source) foreignKeys(ctx context.Context, table string) ([]sluice.ForeignKey, error) {
	parts, err := s.fkRows(ctx, table)
	if err != nil {
		return nil, err
	}
	var out []sluice.ForeignKey
	for i := 0; i < len(parts); {
		j := i
		fk := sluice.ForeignKey{RefTable: parts[i].refTable, OnDelete: fkAction(parts[i].onDelete), OnUpdate: fkAction(parts[i].onUpdate)}
		implicit := false
		for ; j < len(parts) && parts[j].id == parts[i].id; j++ {
			fk.Columns = append(fk.Columns, parts[j].from)
			fk.RefColumns = append(fk.RefColumns, parts[j].to.String)
			implicit = implicit || !parts[j].to.Valid || parts[j].to.String == ""
		}
		if implicit {
			if fk.RefColumns, err = s.primaryKey(ctx, fk.RefTable); err != nil {
				return nil, err
			}
		}
		fk.Name = table + "_" + strings.Join(fk.Columns, "_") + "_fkey"
		out = append(out, fk)
		i = j
	}
	return out, nil
}

func (s *Source) fkRows(ctx context.Context, table string) ([]fkRow, error) {
	const q = `SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`
	rows, err := s.db.QueryContext(ctx, q, table)
	if err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	defer rows.Close()
	var out []fkRow
	for rows.Next() {
		var r fkRow
		if err := rows.Scan(&r.id, &r.refTable, &r.from, &r.to, &r.onUpdate, &r.onDelete); err != nil {
			return nil, fmt.Errorf("read foreign keys: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	return out, nil
}

// primaryKey returns the primary key of a referenced table; SQLite lets a
// key point at a table that does not exist, which is an error here.
func (s *Source) primaryKey(ctx context.Context, table string) ([]string, error) {
	_, pk, err := s.columns(ctx, table)
	if err != nil {
		return nil, fmt.Errorf("resolve the key referenced in %s: %w", table, err)
	}
	if len(pk) == 0 {
		return nil, fmt.Errorf("resolve the key referenced in %s: it has no primary key", table)
	}
	return pk, nil
}
