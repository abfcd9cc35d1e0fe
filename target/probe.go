package target

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A rerun of a merge mostly finds its rows unchanged. Staging every row to
// find that out costs nearly what loading it did, so the chunk's keys and
// hashes alone go first into a narrow probe table; the rows the table holds
// with the same hash are counted unchanged and never staged. Only the new
// and changed rows take the stage.

// probeName is the narrow temporary table of a chunk's keys and hashes.
const probeName = "sluice_probe"

// canProbe reports a merge whose unchanged rows can be told by key, hash
// and resolved references alone: not a matched part (its rows compete for
// entities). A resolved reference is not in the hash (it is computed before
// resolving), so the probe resolves it as the stage would and compares it
// too: a row whose reference now resolves to another entity has changed.
func canProbe(m *MergeSpec) bool {
	return m.Mode != MergeInsert && m.Match == nil
}

// withoutUnchanged returns the chunk without the rows the table already holds
// unchanged, and how many those were; it records them as seen when the merge
// tracks keys. A probe that fails (a key value the table's type refuses) is
// rolled back and keeps every row: staging then rejects the bad one.
func withoutUnchanged(ctx context.Context, tx pgx.Tx, c *ChunkLoad) (*ChunkLoad, int, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("set savepoint: %w", err)
	}
	same, err := probe(ctx, sp, c)
	if err != nil {
		if rb := sp.Rollback(ctx); rb != nil {
			return nil, 0, fmt.Errorf("roll back the probe: %w", rb)
		}
		if !isDataError(err) {
			return nil, 0, err
		}
		return c, 0, nil
	}
	if err := sp.Commit(ctx); err != nil {
		return nil, 0, fmt.Errorf("release savepoint: %w", err)
	}
	return keepChanged(c, same), len(same), nil
}

// isDataError reports an error about a value (SQLSTATE class 22), which
// the stage narrows down to its row; anything else is the probe's own.
func isDataError(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && strings.HasPrefix(pg.Code, "22")
}

// probe copies the keys and hashes into the probe table and returns the
// indexes of the rows whose key the table holds with the same hash.
func probe(ctx context.Context, tx pgx.Tx, c *ChunkLoad) ([]int32, error) {
	m := c.Merge
	cols := append(slices.Clone(m.Key), m.HashColumn)
	for _, col := range m.Resolve {
		if !slices.Contains(cols, col) {
			cols = append(cols, col)
		}
	}
	if m.Range != "" && !slices.Contains(cols, m.Range) {
		cols = append(cols, m.Range)
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf(`CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s FROM %s WITH NO DATA;
		ALTER TABLE %[1]s ADD COLUMN %[4]s int`, probeName, qualify("", cols), pgx.Identifier{c.Schema, c.Table}.Sanitize(), stageOrd)); err != nil {
		return nil, fmt.Errorf("create the probe: %w", err)
	}
	at := make([]int, len(cols))
	for i, col := range cols {
		at[i] = slices.Index(c.Columns, col)
	}
	src := pgx.CopyFromSlice(len(c.Rows), func(i int) ([]any, error) {
		vals := make([]any, len(at)+1)
		for k, j := range at {
			vals[k] = c.Rows[i][j]
		}
		vals[len(at)] = int32(i)
		return vals, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{probeName}, append(cols, stageOrd), src); err != nil {
		return nil, fmt.Errorf("copy keys into the probe: %w", err)
	}
	if err := resolveProbe(ctx, tx, m.Resolve); err != nil {
		return nil, err
	}
	return unchangedRows(ctx, tx, c)
}

// resolveProbe replaces each legacy identity of the probe's Resolve columns
// by its entity, as stage.resolve does with the staged rows.
func resolveProbe(ctx context.Context, tx pgx.Tx, resolve []string) error {
	for _, col := range resolve {
		q := fmt.Sprintf(`UPDATE %s AS p SET %[2]s = lk.entity FROM sluice.legacy_keys AS lk
			WHERE lk.legacy_uuid = p.%[2]s`, probeName, quoteIdent(col))
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("resolve matched keys of the probe in column %s: %w", col, err)
		}
	}
	return nil
}

// unchangedRows finds the probed rows the table holds with the same hash
// (and, in a merged table, from the same source), and records them as seen.
func unchangedRows(ctx context.Context, tx pgx.Tx, c *ChunkLoad) ([]int32, error) {
	m := c.Merge
	join := strings.ReplaceAll(joinOn(m.Key), "s.", "p.")
	q := fmt.Sprintf("SELECT p.%s FROM %s AS p JOIN %s AS t ON %s AND t.%s = p.%[5]s",
		stageOrd, probeName, pgx.Identifier{c.Schema, c.Table}.Sanitize(), join, quoteIdent(m.HashColumn))
	for _, col := range m.Resolve {
		q += fmt.Sprintf(" AND t.%s IS NOT DISTINCT FROM p.%[1]s", quoteIdent(col))
	}
	args := []any{}
	if m.SourceColumn != "" {
		q += " AND t." + quoteIdent(m.SourceColumn) + " = $1"
		args = append(args, m.Source)
	}
	if m.Range != "" {
		// The chunk's own least and greatest values, in the column's order
		// in the target: every probed row is within them, whatever order the
		// source read them in.
		r := quoteIdent(m.Range)
		q += fmt.Sprintf(" WHERE t.%s BETWEEN (SELECT min(%[1]s) FROM %s) AND (SELECT max(%[1]s) FROM %[2]s)", r, probeName)
	}
	rows, _ := tx.Query(ctx, q, args...)
	same, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, fmt.Errorf("compare the probe with the table: %w", err)
	}
	if m.TrackSeen && len(same) > 0 {
		q := fmt.Sprintf("INSERT INTO sluice.seen (table_id, generation, key) SELECT $1, $2, %s FROM %s AS p WHERE p.%s = ANY($3)",
			rowKeyText("p", m.Key), probeName, stageOrd)
		if _, err := tx.Exec(ctx, q, c.TableID, c.Generation, same); err != nil {
			return nil, fmt.Errorf("record the keys seen: %w", err)
		}
	}
	return same, nil
}

// keepChanged is the chunk without the rows at the indexes same; the rows
// kept still name themselves by their place in the whole chunk.
func keepChanged(c *ChunkLoad, same []int32) *ChunkLoad {
	if len(same) == 0 {
		return c
	}
	skip := make([]bool, len(c.Rows))
	for _, i := range same {
		skip[i] = true
	}
	sub := *c
	sub.Rows = make([][]any, 0, len(c.Rows)-len(same))
	var index []int
	for i, row := range c.Rows {
		if !skip[i] {
			sub.Rows = append(sub.Rows, row)
			index = append(index, i)
		}
	}
	if c.KeyOf != nil {
		sub.KeyOf = func(i int) string { return c.KeyOf(index[i]) }
	}
	return &sub
}
