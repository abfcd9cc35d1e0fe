package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

// columnsSQL reads the columns of the tables whose oids are $1, in attnum
// order. The default of a generated column is its expression, not a
// default, so it is left out. A column that owns an ascending sequence (an
// identity, a serial) gets the number after the sequence's last value
// (identityNextSQL), 0 when it has handed out none or cannot be read.
const columnsSQL = `SELECT a.attrelid, a.attname, NOT a.attnotnull,
	CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
	a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%', ` + identityNextSQL + `,
	format_type(a.atttypid, a.atttypmod), t.typname, t.typtype::text,
	t.typnamespace = 'pg_catalog'::regnamespace, a.atttypmod,
	coalesce((SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '{}')
	FROM pg_attribute a
	JOIN pg_type t ON t.oid = a.atttypid
	LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
	ORDER BY a.attrelid, a.attnum`

// identityNextSQL: pg_sequences shows last_value NULL to a user who may
// not read the sequence, and before its first nextval.
const identityNextSQL = `coalesce((SELECT sq.last_value + 1 FROM pg_depend dp
		JOIN pg_class sc ON sc.oid = dp.objid AND sc.relkind = 'S'
		JOIN pg_namespace sn ON sn.oid = sc.relnamespace
		JOIN pg_sequences sq ON sq.schemaname = sn.nspname AND sq.sequencename = sc.relname
		WHERE dp.classid = 'pg_class'::regclass AND dp.refobjid = a.attrelid AND dp.refobjsubid = a.attnum
		AND dp.deptype IN ('a', 'i') AND sq.increment_by > 0 AND sq.last_value < 9223372036854775807 LIMIT 1), 0)`

type tableColumn struct {
	oid uint32
	sluice.Column
}

func (s *Source) columns(ctx context.Context, oids []uint32) ([]tableColumn, error) {
	rows, err := s.pool.Query(ctx, columnsSQL, oids)
	if err != nil {
		return nil, classify(fmt.Errorf("read columns of %s schema %s: %w", s.name, s.schema, err))
	}
	cols, err := pgx.CollectRows(rows, scanColumn)
	if err != nil {
		return nil, classify(fmt.Errorf("read columns of %s schema %s: %w", s.name, s.schema, err))
	}
	s.markCharsets(cols)
	return cols, nil
}

func scanColumn(r pgx.CollectableRow) (tableColumn, error) {
	var c tableColumn
	var p pgType
	var mod int32
	err := r.Scan(&c.oid, &c.Name, &c.Nullable, &c.Default, &c.AutoIncrement, &c.IdentityNext,
		&p.Format, &p.Name, &p.TypType, &p.Builtin, &mod, &p.Enum)
	p.Mod = int(mod)
	c.Type = TypeOf(p)
	return c, err
}

func (s *Source) addColumns(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	cols, err := s.columns(ctx, oids)
	if err != nil {
		return err
	}
	for _, c := range cols {
		t := byOID[c.oid]
		t.Columns = append(t.Columns, c.Column)
	}
	return nil
}

// columnTypes returns the types of one table's columns and whether it is a
// partitioned table, cached: Read needs them to know which columns to cast to
// text and how to name the table.
func (s *Source) columnTypes(ctx context.Context, table string) (map[string]sluice.Type, bool, error) {
	s.mu.Lock()
	types, ok := s.types[table]
	partitioned := s.partitioned[table]
	s.mu.Unlock()
	if ok {
		return types, partitioned, nil
	}
	var oid uint32
	const q = `SELECT c.oid, c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`
	if err := s.pool.QueryRow(ctx, q, s.schema, table).Scan(&oid, &partitioned); err != nil {
		return nil, false, classify(fmt.Errorf("find table %s.%s.%s: %w", s.name, s.schema, table, err))
	}
	cols, err := s.columns(ctx, []uint32{oid})
	if err != nil {
		return nil, false, err
	}
	types = map[string]sluice.Type{}
	for _, c := range cols {
		types[c.Name] = c.Type
	}
	s.mu.Lock()
	s.types[table] = types
	s.partitioned[table] = partitioned
	s.mu.Unlock()
	return types, partitioned, nil
}
