package mysql

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
)

// Introspect reads the base tables of the URL's database from
// information_schema, one query per kind of fact.
func (s *Source) Introspect(ctx context.Context) (*sluice.Schema, error) {
	facts, err := s.gatherFacts(ctx)
	if err != nil {
		return nil, fmt.Errorf("introspect %s: %w", s.name, classify(err))
	}
	schema := &sluice.Schema{Source: s.name, Engine: s.Engine(), Database: s.database, Objects: facts.objects}
	for _, tb := range facts.tables {
		schema.Tables = append(schema.Tables, facts.assemble(tb))
	}
	if err := s.addFidelity(ctx, schema); err != nil {
		return nil, fmt.Errorf("introspect %s: %w", s.name, classify(err))
	}
	return schema, nil
}

// facts holds every query's answer, by table name.
type facts struct {
	tables  []tableInfo
	columns map[string][]sluice.Column
	json    map[string]map[string]bool // MariaDB's JSON: longtext CHECK (json_valid(col))
	indexes map[string][]sluice.Index  // the primary key included, named "PRIMARY"
	fks     map[string][]sluice.ForeignKey
	// charsets are the text columns in a character set other than UTF-8.
	charsets map[string]charsets
	objects  []sluice.Object
}

func (s *Source) gatherFacts(ctx context.Context) (*facts, error) {
	var f facts
	var err error
	if f.tables, err = s.queryTables(ctx); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if f.columns, err = s.queryColumns(ctx, ""); err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	if f.json, err = s.queryJSONChecks(ctx); err != nil {
		return nil, fmt.Errorf("list JSON check constraints: %w", err)
	}
	if f.indexes, err = s.queryIndexes(ctx); err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	if f.fks, err = s.queryForeignKeys(ctx); err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	if f.charsets, err = s.queryCharsets(ctx, ""); err != nil {
		return nil, fmt.Errorf("list character sets: %w", err)
	}
	if f.objects, err = s.queryObjects(ctx); err != nil {
		return nil, err
	}
	return &f, nil
}

func (f *facts) assemble(info tableInfo) sluice.Table {
	name := info.name
	tb := sluice.Table{Name: name, Columns: f.columns[name], ForeignKeys: f.fks[name], Rows: info.rows, RowBytes: info.rowBytes}
	for i := range tb.Columns {
		c := &tb.Columns[i]
		if c.AutoIncrement {
			c.IdentityNext = info.next
		}
		if f.json[name][c.Name] && c.Type.Kind == sluice.KindText {
			c.Type.Kind = sluice.KindJSON
		}
		c.Charset = f.charsets[name][c.Name].Name
	}
	for _, ix := range f.indexes[name] {
		if ix.Name == "PRIMARY" {
			tb.PrimaryKey = ix.Columns
		} else {
			tb.Indexes = append(tb.Indexes, ix)
		}
	}
	return tb
}
