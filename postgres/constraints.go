package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

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
// primary key's index is the primary key. An index whose key parts are not
// all plain columns in their default operator class and order is reported
// by its key parts' SQL in Expression (columns named as in the table); a
// partial index's condition is in Where. INCLUDE columns are not key columns.
func (s *Source) addIndexes(ctx context.Context, oids []uint32, byOID map[uint32]*sluice.Table) error {
	rows, err := s.pool.Query(ctx, indexesSQL, oids)
	if err != nil {
		return classify(fmt.Errorf("read indexes of %s schema %s: %w", s.name, s.schema, err))
	}
	var oid uint32
	var ix sluice.Index
	var method string
	var plain bool
	var parts []string
	_, err = pgx.ForEachRow(rows, []any{&oid, &ix.Name, &ix.Unique, &method, &plain, &parts, &ix.Where}, func() error {
		out := sluice.Index{Name: ix.Name, Unique: ix.Unique, Where: ix.Where}
		if method != "btree" {
			out.Method = method
		}
		if plain {
			out.Columns = slices.Clone(parts)
		} else {
			out.Expression = strings.Join(parts, ", ")
		}
		byOID[oid].Indexes = append(byOID[oid].Indexes, out)
		return nil
	})
	if err != nil {
		return classify(fmt.Errorf("read indexes of %s schema %s: %w", s.name, s.schema, err))
	}
	return nil
}

// indexesSQL lists each index with its access method, whether every key
// part is a plain column in the default operator class and order, and its
// key parts: the column names when plain, else each part's SQL with its
// operator class and order.
const indexesSQL = `SELECT i.indrelid, ic.relname, i.indisunique, am.amname, p.plain,
	CASE WHEN p.plain THEN ` + plainNames + ` ELSE ` + partSQL + ` END,
	coalesce(pg_get_expr(i.indpred, i.indrelid, true), '')
	FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam,
	LATERAL (SELECT i.indexprs IS NULL AND NOT EXISTS (
		SELECT 1 FROM generate_series(0, i.indnkeyatts - 1) k JOIN pg_opclass o ON o.oid = i.indclass[k]
		WHERE NOT o.opcdefault OR i.indoption[k] <> 0) AS plain) p
	WHERE i.indrelid = ANY($1) AND NOT i.indisprimary AND i.indisvalid
	ORDER BY i.indrelid, ic.relname`

const plainNames = `array(SELECT a.attname::text FROM generate_series(1, i.indnkeyatts) k
	JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] ORDER BY k)`

const partSQL = `array(SELECT pg_get_indexdef(i.indexrelid, k, true)
		|| CASE WHEN o.opcdefault THEN '' ELSE ' ' || quote_ident(o.opcname) END
		|| CASE i.indoption[k - 1] & 3 WHEN 1 THEN ' DESC NULLS LAST' WHEN 2 THEN ' NULLS FIRST' WHEN 3 THEN ' DESC' ELSE '' END
	FROM generate_series(1, i.indnkeyatts) k JOIN pg_opclass o ON o.oid = i.indclass[k - 1] ORDER BY k)`

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
