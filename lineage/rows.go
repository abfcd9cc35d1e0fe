package lineage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice/plan"
)

// lookup is a search of the target table: a condition on its columns,
// which the query names through the alias t, and its arguments.
type lookup struct {
	where string
	args  []any
}

// byUUID searches the table's row uuid column when key is a UUID and the
// table has one (keys: uuid).
func byUUID(t *plan.Table, key string) (*lookup, uuid.UUID, bool) {
	c := identityColumn(t)
	u, err := uuid.Parse(key)
	if c == nil || err != nil {
		return nil, uuid.Nil, false
	}
	return &lookup{where: colRef(c.Name) + " = $1::uuid", args: []any{u.String()}}, u, true
}

// byLegacyKey searches the columns that keep the legacy key: the legacy
// column under keys: uuid, else the key columns themselves. Each part is
// cast to its column's type in PostgreSQL, so that 1, 1.0 or a time in
// another notation all match what the column holds. When the table keeps no
// such column, or the key has the wrong number of parts, it returns why.
func byLegacyKey(t *plan.Table, key string) (*lookup, string) {
	if t.Merged != nil { // a matched part is looked up by its entities (tracer.legacyLookup)
		return bySourceLegacy(t, key), ""
	}
	cols, whole := legacyColumns(t)
	if cols == nil {
		return nil, fmt.Sprintf("%s keeps no column with its legacy key, so its rows cannot be found by it", t.ID)
	}
	if whole {
		return &lookup{where: colRef(cols[0].Name) + " = $1::text", args: []any{key}}, ""
	}
	parts, ok := SplitKey(key, len(cols))
	if !ok {
		return nil, fmt.Sprintf("the key has %d part(s), the key of %s has %d (%s; composite keys are written as 1|3402)",
			len(parts), t.ID, len(cols), strings.Join(t.Key, ", "))
	}
	l := &lookup{}
	conds := make([]string, len(cols))
	for i, c := range cols {
		typ := castType(c.Type)
		conds[i] = fmt.Sprintf("%s = $%d::text::%s", colRef(c.Name), i+1, typ)
		l.args = append(l.args, castText(parts[i], typ))
	}
	l.where = strings.Join(conds, " AND ")
	return l, ""
}

// legacyColumns are the target columns that hold the legacy key, in key
// order; whole says that one text column holds all of it as KeyText (a
// composite key under keys: uuid).
func legacyColumns(t *plan.Table) (cols []plan.Column, whole bool) {
	if c := roleColumn(t, plan.RoleLegacyKey); c != nil {
		return []plan.Column{*c}, len(c.KeyColumns) > 1
	}
	if cols := primaryKeyValues(t); cols != nil {
		return cols, false
	}
	for _, k := range t.Key {
		c := valueColumn(t, k)
		if c == nil {
			return nil, false
		}
		cols = append(cols, *c)
	}
	return cols, false
}

func roleColumn(t *plan.Table, role plan.Role) *plan.Column {
	for i := range t.Columns {
		if t.Columns[i].Role == role {
			return &t.Columns[i]
		}
	}
	return nil
}

func valueColumn(t *plan.Table, source string) *plan.Column {
	for i := range t.Columns {
		if c := &t.Columns[i]; c.Role == plan.RoleValue && c.Source == source {
			return c
		}
	}
	return nil
}

func colRef(name string) string { return "t." + pgx.Identifier{name}.Sanitize() }

// castType is the type a key part is cast to: the column's type without its
// modifier, since a cast to varchar(5) or numeric(6,2) would truncate or
// round the key into another row's; char and bit without a length would
// mean length 1.
func castType(typ string) string {
	base := strings.TrimSpace(typ)
	open, closing := strings.IndexByte(base, '('), strings.IndexByte(base, ')')
	if open >= 0 && closing > open && !strings.HasSuffix(base, "[]") {
		base = strings.TrimSpace(base[:open] + base[closing+1:])
	}
	switch strings.ToLower(base) {
	case "char", "character":
		return "bpchar"
	case "bit":
		return "varbit"
	}
	return base
}

// castText turns a key part written as sluice.ValueText writes it into
// PostgreSQL's input syntax where the two differ: bytes are 0x-prefixed.
func castText(part, typ string) string {
	if strings.EqualFold(typ, "bytea") {
		if h, ok := strings.CutPrefix(part, "0x"); ok {
			return `\x` + h
		}
	}
	return part
}

// readRows returns the rows of schema.table that l matches, each column's
// value as PostgreSQL's JSON renders it. A key that is not a valid value of
// its column (class 22, data exception) matches nothing, and the note says so.
func readRows(ctx context.Context, q Querier, schema, table string, l *lookup) ([]Row, string, error) {
	sql := fmt.Sprintf(`SELECT t.ctid::text, j.key, j.value
		FROM %s AS t, json_each_text(row_to_json(t)) WITH ORDINALITY AS j(key, value, n)
		WHERE %s ORDER BY t.ctid, j.n`, pgx.Identifier{schema, table}.Sanitize(), l.where)
	rows, err := q.Query(ctx, sql, l.args...)
	if err != nil {
		return readError(schema, table, err)
	}
	out, err := collectRows(rows)
	if err != nil {
		return readError(schema, table, err)
	}
	return out, "", nil
}

func readError(schema, table string, err error) ([]Row, string, error) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22") {
		return nil, "the key is not a valid value of the key column: " + pgErr.Message, nil
	}
	return nil, "", fmt.Errorf("read the row of %s.%s: %w", schema, table, err)
}

// collectRows groups the (row, column, value) triples into rows.
func collectRows(rows pgx.Rows) ([]Row, error) {
	defer rows.Close()
	var out []Row
	last := ""
	for rows.Next() {
		var tid, col string
		var val *string
		if err := rows.Scan(&tid, &col, &val); err != nil {
			return nil, err
		}
		if tid != last || out == nil {
			out, last = append(out, nil), tid
		}
		out[len(out)-1] = append(out[len(out)-1], Value{Column: col, Text: val})
	}
	return out, rows.Err()
}

// value returns the text of column name in the row, and whether it is set.
func (r Row) value(name string) (string, bool) {
	for _, v := range r {
		if v.Column == name && v.Text != nil {
			return *v.Text, true
		}
	}
	return "", false
}

// primaryKeyValues are the target columns of a kept primary key when they
// are not the page key (a CSV file, paged by record number, has a declared
// key); nil otherwise, and then the page key's columns are the legacy key.
func primaryKeyValues(t *plan.Table) []plan.Column {
	var cols []plan.Column
	for _, name := range t.PrimaryKey {
		i := slices.IndexFunc(t.Columns, func(c plan.Column) bool { return c.Name == name && c.Role == plan.RoleValue })
		if i < 0 {
			return nil
		}
		cols = append(cols, t.Columns[i])
	}
	for i, c := range cols {
		if i >= len(t.Key) || c.Source != t.Key[i] {
			return cols
		}
	}
	return nil
}
