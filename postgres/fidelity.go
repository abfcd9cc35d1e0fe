package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

// addFidelity reads what makes the target behave like the source for the
// application beyond the columns and keys: generation expressions and
// comments of columns, table comments, CHECK constraints and the actions of
// foreign keys. A serial column's nextval(...) is how it numbers itself
// (AutoIncrement), not a default to copy.
func (s *Source) addFidelity(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	for _, step := range []func(context.Context, []uint32, map[uint32]*sluice.Table) error{
		s.addColumnDetails, s.addTableComments, s.addChecks, s.addFKActions,
	} {
		if err := step(ctx, oids, byOID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) addColumnDetails(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	const q = `SELECT a.attrelid, a.attname,
		coalesce(CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END, ''),
		coalesce(col_description(a.attrelid, a.attnum), '')
		FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped`
	rows, err := s.pool.Query(ctx, q, oids)
	if err != nil {
		return classify(fmt.Errorf("read column details of %s schema %s: %w", s.name, s.schema, err))
	}
	var oid uint32
	var name, generated, comment string
	_, err = pgx.ForEachRow(rows, []any{&oid, &name, &generated, &comment}, func() error {
		c := byOID[oid].Column(name)
		if c == nil {
			return nil
		}
		c.Generated, c.Comment = generated, comment
		if c.AutoIncrement && c.Default != nil && strings.HasPrefix(*c.Default, "nextval(") {
			c.Default = nil
		}
		return nil
	})
	if err != nil {
		return classify(fmt.Errorf("read column details of %s schema %s: %w", s.name, s.schema, err))
	}
	return nil
}

func (s *Source) addTableComments(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	const q = `SELECT c.oid, coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c WHERE c.oid = ANY($1)`
	rows, err := s.pool.Query(ctx, q, oids)
	if err != nil {
		return classify(fmt.Errorf("read table comments of %s schema %s: %w", s.name, s.schema, err))
	}
	var oid uint32
	var comment string
	_, err = pgx.ForEachRow(rows, []any{&oid, &comment}, func() error {
		byOID[oid].Comment = comment
		return nil
	})
	if err != nil {
		return classify(fmt.Errorf("read table comments of %s schema %s: %w", s.name, s.schema, err))
	}
	return nil
}

// addChecks reads each table's CHECK constraints as their expressions
// (pg_get_expr of conbin: no CHECK keyword, no NOT VALID). A NOT NULL
// constraint is not one (PostgreSQL 15 keeps those on the column).
func (s *Source) addChecks(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	const q = `SELECT c.conrelid, c.conname, pg_get_expr(c.conbin, c.conrelid) FROM pg_constraint c
		WHERE c.conrelid = ANY($1) AND c.contype = 'c' ORDER BY c.conrelid, c.conname`
	rows, err := s.pool.Query(ctx, q, oids)
	if err != nil {
		return classify(fmt.Errorf("read CHECK constraints of %s schema %s: %w", s.name, s.schema, err))
	}
	var oid uint32
	var ck sluice.Check
	_, err = pgx.ForEachRow(rows, []any{&oid, &ck.Name, &ck.Expr}, func() error {
		byOID[oid].Checks = append(byOID[oid].Checks, ck)
		return nil
	})
	if err != nil {
		return classify(fmt.Errorf("read CHECK constraints of %s schema %s: %w", s.name, s.schema, err))
	}
	return nil
}

func (s *Source) addFKActions(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	const q = `SELECT c.conrelid, c.conname, c.confdeltype::text, c.confupdtype::text FROM pg_constraint c
		WHERE c.conrelid = ANY($1) AND c.contype = 'f'`
	rows, err := s.pool.Query(ctx, q, oids)
	if err != nil {
		return classify(fmt.Errorf("read foreign key actions of %s schema %s: %w", s.name, s.schema, err))
	}
	var oid uint32
	var name, onDelete, onUpdate string
	_, err = pgx.ForEachRow(rows, []any{&oid, &name, &onDelete, &onUpdate}, func() error {
		t := byOID[oid]
		for i := range t.ForeignKeys {
			if fk := &t.ForeignKeys[i]; fk.Name == name {
				fk.OnDelete, fk.OnUpdate = fkActions[onDelete], fkActions[onUpdate]
			}
		}
		return nil
	})
	if err != nil {
		return classify(fmt.Errorf("read foreign key actions of %s schema %s: %w", s.name, s.schema, err))
	}
	return nil
}

// fkActions maps pg_constraint's action codes; "a" (no action) is the zero
// value.
var fkActions = map[string]sluice.FKAction{
	"r": sluice.Restrict, "c": sluice.Cascade, "n": sluice.SetNull, "d": sluice.SetDefault,
}
