package target

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// conflictQueue queues, for a manual part, each value a losing row disagrees
// on with the entity's owner in a column both their sources provide. A
// conflict is one row of sluice.conflicts per entity, column and losing
// legacy row: a rerun that finds the same two values leaves it alone; one
// that finds other values updates them and opens it again (the row gets the
// owner's value back). A resolved conflict whose values did not change keeps
// its resolution: when the owner rewrote the value since, the resolution is
// applied again.
type conflictQueue struct {
	p     *matchParts
	sql   string
	args  *sqlArgs
	types map[string]string // column -> type, read when a resolution is applied again
}

func newConflictQueue(p *matchParts) *conflictQueue {
	if len(p.data) == 0 {
		return nil
	}
	a := roundArgs()
	win := p.win(a)
	values := make([]string, len(p.data))
	for i, col := range p.data {
		values[i] = fmt.Sprintf("(%s::text, t.%s::text, s.%[2]s::text, t.%s = ANY(%s::text[]))",
			a.add(col), quoteIdent(col), p.src, a.add(p.providers(col)))
	}
	c := p.st.c
	q := &conflictQueue{p: p, args: a}
	q.sql = fmt.Sprintf(conflictSQL, p.stageName, p.target, p.id, p.src, p.leg, strings.Join(values, ", "),
		inRange, inRound, win, a.add(c.Schema), a.add(c.Table), a.add(p.m.Key[0]), a.add(c.RunID))
	return q
}

// conflictSQL finds the disagreements (cand) and looks each up (looked).
// A resolution is in effect when the row holds the resolved value: the
// owner's own value is then the one recorded (true_owner). A conflict with
// the same owner row, other value and owner's value is the same (known):
// others are opened again with the new values (reopened), and new ones added
// (added). It returns their number with the values to write back: the
// resolution of a same conflict that the owner overwrote, and the owner's
// value where a resolution no longer holds.
const conflictSQL = `WITH cand AS (
	SELECT s.sluice_ord AS ord, t.%[3]s AS entity, v.col, t.%[4]s AS owner_source, t.%[5]s::text AS owner_key,
		s.%[4]s AS other_source, s.%[5]s::text AS other_key, v.owner_value, v.other_value
	FROM %[1]s AS s JOIN %[2]s AS t ON t.%[3]s = s.%[3]s
	CROSS JOIN LATERAL (VALUES %[6]s) AS v (col, owner_value, other_value, shared)
	WHERE %[7]s AND %[8]s AND NOT %[9]s AND v.shared AND v.owner_value IS DISTINCT FROM v.other_value
), looked AS (
	SELECT cand.*, c.conflict_id, c.status, c.resolved_value, c.owner_source AS c_owner_source,
		c.owner_key AS c_owner_key, c.owner_value AS c_owner_value, c.other_value AS c_other_value,
		coalesce(c.status = 'resolved' AND c.owner_source = cand.owner_source AND c.owner_key = cand.owner_key
			AND c.resolved_value IS NOT DISTINCT FROM cand.owner_value, false) AS in_effect
	FROM cand LEFT JOIN sluice.conflicts AS c ON c.target_schema = %[10]s AND c.target_table = %[11]s
		AND c.entity = cand.entity AND c.column_name = cand.col
		AND c.other_source = cand.other_source AND c.other_key = cand.other_key
), known AS (
	SELECT l.*, o.true_owner,
		coalesce(l.c_owner_source = l.owner_source AND l.c_owner_key = l.owner_key
			AND l.c_other_value IS NOT DISTINCT FROM l.other_value
			AND l.c_owner_value IS NOT DISTINCT FROM o.true_owner, false) AS same
	FROM looked AS l
	CROSS JOIN LATERAL (SELECT CASE WHEN l.in_effect THEN l.c_owner_value ELSE l.owner_value END AS true_owner) AS o
), reopened AS (
	UPDATE sluice.conflicts AS c SET owner_source = k.owner_source, owner_key = k.owner_key,
		owner_value = k.true_owner, other_value = k.other_value, status = 'open', resolution = NULL,
		resolved_value = NULL, resolved_by = NULL, resolved_at = NULL,
		run_id = nullif(%[13]s::bigint, 0), updated_at = now()
	FROM known AS k WHERE c.conflict_id = k.conflict_id AND NOT k.same
	RETURNING 1
), added AS (
	INSERT INTO sluice.conflicts (target_schema, target_table, entity_column, entity, column_name,
		owner_source, owner_key, owner_value, other_source, other_key, other_value, status, run_id)
	SELECT %[10]s, %[11]s, %[12]s, entity, col, owner_source, owner_key, owner_value,
		other_source, other_key, other_value, 'open', nullif(%[13]s::bigint, 0)
	FROM known WHERE conflict_id IS NULL
	ON CONFLICT DO NOTHING
	RETURNING 1
)
SELECT (SELECT count(*) FROM reopened) + (SELECT count(*) FROM added), r.ord, r.entity::text, r.col, r.value
FROM (SELECT 1) AS one LEFT JOIN (
	SELECT ord, entity, col, resolved_value AS value FROM known
	WHERE same AND status = 'resolved' AND owner_value IS DISTINCT FROM resolved_value
	UNION ALL
	SELECT ord, entity, col, c_owner_value FROM known
	WHERE NOT same AND in_effect AND owner_value IS DISTINCT FROM c_owner_value
) AS r ON true`

// reapply is a value to write back into an entity row.
type reapply struct {
	ord    int32
	entity string
	value  *string
}

// run queues the round's conflicts and writes values back; it adds
// the rows that wrote to written, and returns the conflicts new or reopened.
func (q *conflictQueue) run(ctx context.Context, tx pgx.Tx, lo, hi, round int, written map[int32]bool) (int, error) {
	rows, _ := tx.Query(ctx, q.sql, q.args.with(lo, hi, round)...)
	var n int
	byColumn := map[string][]reapply{}
	var ord *int32
	var entity, col, value *string
	_, err := pgx.ForEachRow(rows, []any{&n, &ord, &entity, &col, &value}, func() error {
		if ord != nil {
			byColumn[*col] = append(byColumn[*col], reapply{ord: *ord, entity: *entity, value: value})
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("queue conflicts: %w", err)
	}
	for col, rs := range byColumn {
		if err := q.apply(ctx, tx, col, rs); err != nil {
			return 0, err
		}
		for _, r := range rs {
			written[r.ord] = true
		}
	}
	return n, nil
}

// apply sets column col of the entity rows to the values given.
func (q *conflictQueue) apply(ctx context.Context, tx pgx.Tx, col string, rs []reapply) error {
	if q.types == nil {
		types, err := columnTypes(ctx, tx, q.p.target)
		if err != nil {
			return err
		}
		q.types = types
	}
	ids, values := make([]string, len(rs)), make([]*string, len(rs))
	for i, r := range rs {
		ids[i], values[i] = r.entity, r.value
	}
	_, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE %s AS t SET %s = v.value::%s
		FROM unnest($1::text[], $2::text[]) AS v (id, value) WHERE t.%s = v.id::uuid`,
		q.p.target, quoteIdent(col), q.types[col], q.p.id), ids, values)
	if err != nil {
		return fmt.Errorf("apply resolved conflicts to column %s again: %w", col, err)
	}
	return nil
}

// columnTypes maps the columns of table (quoted) to their types as DDL
// writes them, which a value as text is cast to.
func columnTypes(ctx context.Context, tx pgx.Tx, table string) (map[string]string, error) {
	rows, _ := tx.Query(ctx, `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
		WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, table)
	types := map[string]string{}
	var name, typ string
	_, err := pgx.ForEachRow(rows, []any{&name, &typ}, func() error { types[name] = typ; return nil })
	if err != nil {
		return nil, fmt.Errorf("read column types of %s: %w", table, err)
	}
	return types, nil
}
