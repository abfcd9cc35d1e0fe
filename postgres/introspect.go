package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

// Introspect reads the ordinary and partitioned tables of the schema (a
// partition is read through its parent, never on its own), with their
// columns, keys, indexes and foreign keys.
func (s *Source) Introspect(ctx context.Context) (*sluice.Schema, error) {
	tables, err := s.tables(ctx)
	if err != nil {
		return nil, err
	}
	byOID := map[uint32]*sluice.Table{}
	oids := make([]uint32, len(tables))
	for i := range tables {
		byOID[tables[i].oid] = &tables[i].Table
		oids[i] = tables[i].oid
	}
	for _, step := range []func(context.Context, []uint32, map[uint32]*sluice.Table) error{
		s.addColumns, s.addPrimaryKeys, s.addIndexes, s.addForeignKeys,
		s.addFidelity,
	} {
		if err := step(ctx, oids, byOID); err != nil {
			return nil, err
		}
	}
	objects, err := s.objects(ctx)
	if err != nil {
		return nil, err
	}
	schema := &sluice.Schema{Source: s.name, Engine: "postgres", Database: s.schema, Objects: objects}
	for _, t := range tables {
		schema.Tables = append(schema.Tables, t.Table)
	}
	return schema, nil
}

type pgTable struct {
	sluice.Table
	oid uint32
}

// tables lists the schema's tables, but not an extension's (PostGIS's
// spatial_ref_sys is the extension's to fill on the target). ctid is only unique within one
// partition, so a partitioned table has no usable row id. reltuples is -1
// before the first ANALYZE; a partitioned table's estimate is its
// partitions' sum. A row's size is the table's (with its TOAST, which
// holds long values compressed) over its rows: an estimate, for the plan.
func (s *Source) tables(ctx context.Context) ([]pgTable, error) {
	const q = `SELECT c.oid, c.relname, c.relkind = 'r',
		greatest(CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(greatest(p.reltuples, 0)), 0)
			FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid WHERE i.inhparent = c.oid)
			ELSE c.reltuples END, 0)::int8,
		CASE WHEN c.relkind = 'r' AND c.reltuples > 0 THEN (pg_table_size(c.oid) / c.reltuples)::int8 ELSE 0 END
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
		ORDER BY c.relname`
	rows, err := s.pool.Query(ctx, q, s.schema)
	if err != nil {
		return nil, classify(fmt.Errorf("list tables of %s schema %s: %w", s.name, s.schema, err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pgTable, error) {
		var t pgTable
		var ordinary bool
		err := r.Scan(&t.oid, &t.Name, &ordinary, &t.Rows, &t.RowBytes)
		if ordinary {
			t.RowID = "ctid"
		}
		return t, err
	})
	if err != nil {
		return nil, classify(fmt.Errorf("list tables of %s schema %s: %w", s.name, s.schema, err))
	}
	return out, nil
}
