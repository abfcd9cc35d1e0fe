package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

// attnames is a SQL expression: the names of the columns numbered by the
// int2[] $arr of table $rel, in array order.
const attnames = `array(SELECT a.attname FROM unnest(%s) WITH ORDINALITY k(attnum, ord)
	JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.attnum %s ORDER BY k.ord)`

func (s *Source) addPrimaryKeys(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	q := `SELECT c.conrelid, ` + fmt.Sprintf(attnames, "c.conkey", "c.conrelid", "") + `
		FROM pg_constraint c WHERE c.conrelid = ANY($1) AND c.contype = 'p'`
	rows, err := s.pool.Query(ctx, q, oids)
	if err != nil {
		return classify(fmt.Errorf("read primary keys of %s schema %s: %w", s.name, s.schema, err))
	}
	var oid uint32
	var cols []string
	_, err = pgx.ForEachRow(rows, []any{&oid, &cols}, func() error {
		byOID[oid].PrimaryKey = slices.Clone(cols)
		return nil
	})
	if err != nil {
		return classify(fmt.Errorf("read primary keys of %s schema %s: %w", s.name, s.schema, err))
	}
	return nil
}

// addIndexes reads pg_index, which holds the unique constraints (through
// their indexes) as well as the plain indexes, so each is listed once. The
// primary key's index is the primary key. Expression and partial indexes are
// skipped: they cover no plain columns of every row. INCLUDE columns are not
// key columns.
func (s *Source) addIndexes(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	q := `SELECT i.indrelid, ic.relname, i.indisunique, ` +
		fmt.Sprintf(attnames, "i.indkey::int2[]", "i.indrelid", "WHERE k.ord <= i.indnkeyatts") + `
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
		WHERE i.indrelid = ANY($1) AND NOT i.indisprimary AND i.indisvalid
		AND i.indexprs IS NULL AND i.indpred IS NULL
		ORDER BY i.indrelid, ic.relname`
	rows, err := s.pool.Query(ctx, q, oids)
	if err != nil {
		return classify(fmt.Errorf("read indexes of %s schema %s: %w", s.name, s.schema, err))
	}
	var oid uint32
	var ix sluice.Index
	_, err = pgx.ForEachRow(rows, []any{&oid, &ix.Name, &ix.Unique, &ix.Columns}, func() error {
		ix.Columns = slices.Clone(ix.Columns)
		byOID[oid].Indexes = append(byOID[oid].Indexes, ix)
		return nil
	})
	if err != nil {
		return classify(fmt.Errorf("read indexes of %s schema %s: %w", s.name, s.schema, err))
	}
	return nil
}

// addForeignKeys reads the foreign keys whose referenced table is in the same
// schema; a reference out of the schema points outside this source (declare
// it in the config). Constraints cloned onto partitions (conparentid set)
// repeat their parent's.
func (s *Source) addForeignKeys(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	q := `SELECT c.conrelid, c.conname, r.relname, ` +
		fmt.Sprintf(attnames, "c.conkey", "c.conrelid", "") + `, ` +
		fmt.Sprintf(attnames, "c.confkey", "c.confrelid", "") + `
		FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid
		WHERE c.conrelid = ANY($1) AND c.contype = 'f' AND c.conparentid = 0
		AND r.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = c.conrelid)
		ORDER BY c.conrelid, c.conname`
	rows, err := s.pool.Query(ctx, q, oids)
	if err != nil {
		return classify(fmt.Errorf("read foreign keys of %s schema %s: %w", s.name, s.schema, err))
	}
	var oid uint32
	var fk sluice.ForeignKey
	_, err = pgx.ForEachRow(rows, []any{&oid, &fk.Name, &fk.RefTable, &fk.Columns, &fk.RefColumns}, func() error {
		fk.Columns, fk.RefColumns = slices.Clone(fk.Columns), slices.Clone(fk.RefColumns)
		byOID[oid].ForeignKeys = append(byOID[oid].ForeignKeys, fk)
		return nil
	})
	if err != nil {
		return classify(fmt.Errorf("read foreign keys of %s schema %s: %w", s.name, s.schema, err))
	}
	return nil
}
