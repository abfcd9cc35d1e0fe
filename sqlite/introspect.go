package sqlite

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
)

// Introspect reads every ordinary table of the file: columns, primary key,
// indexes and foreign keys. Virtual tables and their shadow tables are not
// data of their own and are left out.
func (s *Source) Introspect(ctx context.Context) (*sluice.Schema, error) {
	names, err := s.tableNames(ctx)
	if err != nil {
		return nil, err
	}
	seqs, err := s.sequences(ctx)
	if err != nil {
		return nil, err
	}
	schema := &sluice.Schema{Source: s.name, Engine: "sqlite"}
	for _, n := range names {
		t, err := s.table(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("introspect %s.%s: %w", s.name, n.name, err)
		}
		setIdentityNext(t, seqs)
		schema.Tables = append(schema.Tables, *t)
	}
	if schema.Objects, err = s.objects(ctx); err != nil {
		return nil, err
	}
	return schema, nil
}

type tableName struct {
	name         string
	withoutRowID bool
}

// tableNames lists the tables in sqlite_master, joined with pragma table_list
// for what sqlite_master does not say: whether the table is a virtual or
// shadow table and whether it is WITHOUT ROWID.
func (s *Source) tableNames(ctx context.Context) ([]tableName, error) {
	const q = `SELECT m.name, l.wr FROM sqlite_master m
		JOIN pragma_table_list l ON l.name = m.name AND l.schema = 'main'
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND l.type = 'table'
		ORDER BY m.name`
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables of %s: %w", s.name, err)
	}
	defer rows.Close()
	var out []tableName
	for rows.Next() {
		var n tableName
		if err := rows.Scan(&n.name, &n.withoutRowID); err != nil {
			return nil, fmt.Errorf("list tables of %s: %w", s.name, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables of %s: %w", s.name, err)
	}
	return out, nil
}

func (s *Source) table(ctx context.Context, n tableName) (*sluice.Table, error) {
	cols, pk, err := s.columns(ctx, n.name)
	if err != nil {
		return nil, err
	}
	idx, pkIndexed, err := s.indexes(ctx, n.name)
	if err != nil {
		return nil, err
	}
	t := &sluice.Table{Name: n.name, Columns: cols, PrimaryKey: pk, Indexes: idx}
	if !n.withoutRowID {
		t.RowID = rowIDName(cols)
		markRowIDAlias(t, pkIndexed)
	} else {
		markNotNull(t, pk)
	}
	if t.ForeignKeys, err = s.foreignKeys(ctx, n.name); err != nil {
		return nil, err
	}
	if err := s.addDeclared(ctx, t); err != nil {
		return nil, err
	}
	if t.Rows, err = s.Count(ctx, n.name, ""); err != nil {
		return nil, err
	}
	return t, nil
}

// rowIDName picks the name of the row id that no real column hides; SQLite
// answers to all three.
func rowIDName(cols []sluice.Column) string {
	for _, name := range []string{"rowid", "_rowid_", "oid"} {
		if !hasColumn(cols, name) {
			return name
		}
	}
	return ""
}

func hasColumn(cols []sluice.Column, name string) bool {
	for _, c := range cols {
		if equalFold(c.Name, name) {
			return true
		}
	}
	return false
}

// markRowIDAlias flags an INTEGER PRIMARY KEY: it is the row id itself, so it
// is never NULL and SQLite assigns it. SQLite builds no separate index for
// such a key; any other primary key (INT PRIMARY KEY, a composite one,
// INTEGER PRIMARY KEY DESC) has one, which is how the alias is recognised.
func markRowIDAlias(t *sluice.Table, pkIndexed bool) {
	if len(t.PrimaryKey) != 1 || pkIndexed {
		return
	}
	c := t.Column(t.PrimaryKey[0])
	if c != nil && equalFold(c.Type.Raw, "INTEGER") {
		c.AutoIncrement = true
		c.Nullable = false
	}
}

// markNotNull reflects that a WITHOUT ROWID table enforces NOT NULL on its
// primary key, declared or not.
func markNotNull(t *sluice.Table, pk []string) {
	for _, name := range pk {
		if c := t.Column(name); c != nil {
			c.Nullable = false
		}
	}
}
