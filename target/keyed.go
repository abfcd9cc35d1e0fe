package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// keyedWriter moves staged rows into a table by their key: a row with a new
// key is inserted, a row whose content (hash) differs is rewritten (merge),
// and an unchanged row is not touched, so a rerun writes nothing. Rows are
// only compared with rows of their own source in a merged table: without a
// natural key, each source's row keys are its own.
type keyedWriter struct {
	classify, update, insert string
	args                     *sqlArgs
}

func newKeyedWriter(st *stage) *keyedWriter {
	m, c := st.c.Merge, st.c
	w := &keyedWriter{args: rangeArgs()}
	w.insert = fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s AS s WHERE %s",
		st.target, qualify("", c.Columns), qualify("s", c.Columns), st.name, inRange)
	if m.Mode == MergeInsert {
		return w
	}
	w.insert += fmt.Sprintf(" AND NOT EXISTS (SELECT 1 FROM %s AS t WHERE %s)", st.target, joinOn(m.Key))
	if m.Mode != MergeUpsert {
		return w
	}
	// A resolved key is not part of the hash (computed before resolving):
	// a row whose reference was matched to another entity has changed too.
	changed := distinct(append([]string{m.HashColumn}, m.Resolve...))
	ours := "true"
	if m.SourceColumn != "" {
		ours = joinOn([]string{m.SourceColumn})
	}
	w.update = fmt.Sprintf("UPDATE %s AS t SET %s FROM %s AS s WHERE %s AND %s AND %s AND %s",
		st.target, assign(without(c.Columns, m.Key...)), st.name, inRange, joinOn(m.Key), ours, changed)
	// One pass over the table's key tells whether there is anything to
	// insert or update: a rerun of unchanged rows then probes the key once.
	w.classify = fmt.Sprintf(`SELECT count(*) FILTER (WHERE t.%s IS NULL),
			count(*) FILTER (WHERE t.%[1]s IS NOT NULL AND %s AND %s)
		FROM %s AS s LEFT JOIN %s AS t ON %s WHERE %s`,
		quoteIdent(m.Key[0]), ours, changed, st.name, st.target, joinOn(m.Key), inRange)
	return w
}

func (w *keyedWriter) write(ctx context.Context, tx pgx.Tx, lo, hi int) (mergeCounts, error) {
	var n mergeCounts
	args := w.args.with(lo, hi, 0)
	fresh, changed := 1, 1
	if w.classify != "" {
		if err := tx.QueryRow(ctx, w.classify, args...).Scan(&fresh, &changed); err != nil {
			return n, fmt.Errorf("compare rows with the table: %w", err)
		}
	}
	if w.update != "" && changed > 0 {
		tag, err := tx.Exec(ctx, w.update, args...)
		if err != nil {
			return n, fmt.Errorf("update changed rows: %w", err)
		}
		n.updated = int(tag.RowsAffected())
	}
	if fresh > 0 {
		tag, err := tx.Exec(ctx, w.insert, args...)
		if err != nil {
			return n, fmt.Errorf("insert new rows: %w", err)
		}
		n.inserted = int(tag.RowsAffected())
	}
	return n, nil
}
