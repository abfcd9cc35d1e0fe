package target

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The stage's own columns, after the target table's.
const (
	stageIdentity = "sluice_identity" // the row's legacy identity (matched parts)
	stageOrd      = "sluice_ord"      // the row's index in the chunk
	stageRound    = "sluice_round"    // matched parts: 1 + the rows of the same entity before it in the chunk
)

// stage is the temporary table a merged chunk is copied into first. It has
// the target table's name (in pg_temp), so that PostgreSQL's messages about
// refused rows name the table the user knows, and its columns, NOT NULL and
// CHECK constraints, so that COPY refuses what the table would.
type stage struct {
	c      *ChunkLoad
	target string // the target table, quoted
	name   string // the stage, quoted
}

func newStage(c *ChunkLoad) *stage {
	return &stage{c: c, target: pgx.Identifier{c.Schema, c.Table}.Sanitize(),
		name: pgx.Identifier{"pg_temp", c.Table}.Sanitize()}
}

// fill creates the stage, copies the chunk's rows into it (narrowing a failed
// COPY down to the rows at fault) and resolves its Resolve columns. It
// returns the number of rows staged and the rows refused.
func (st *stage) fill(ctx context.Context, tx pgx.Tx) (int, []Reject, error) {
	if err := st.create(ctx, tx); err != nil {
		return 0, nil, err
	}
	cp := st.copier(tx)
	if err := cp.load(ctx, 0, len(st.c.Rows)); err != nil {
		return 0, nil, err
	}
	if err := st.resolve(ctx, tx); err != nil {
		return 0, nil, err
	}
	return cp.loaded, cp.rejects, nil
}

// create creates the stage, empty; a stream batch stages several changes of
// one table in its transaction, each in a stage of its own.
func (st *stage) create(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %[6]s;
		CREATE TEMP TABLE %[1]s (LIKE %[2]s INCLUDING CONSTRAINTS, %[3]s uuid, %[4]s int NOT NULL, %[5]s int NOT NULL DEFAULT 1)
		ON COMMIT DROP`, pgx.Identifier{st.c.Table}.Sanitize(), st.target, stageIdentity, stageOrd, stageRound, st.name))
	if err != nil {
		return fmt.Errorf("create stage: %w", err)
	}
	return nil
}

// copier copies the chunk's rows into the stage, each followed by its
// identity (when the chunk has them) and its index.
func (st *stage) copier(tx pgx.Tx) *copier {
	c := st.c
	columns := append([]string(nil), c.Columns...)
	if c.Identities != nil {
		columns = append(columns, stageIdentity)
	}
	columns = append(columns, stageOrd)
	extra := func(i int, buf []any) []any {
		if c.Identities != nil {
			buf = append(buf, [16]byte(c.Identities[i]))
		}
		return append(buf, int32(i))
	}
	return &copier{tx: tx, c: c, into: pgx.Identifier{"pg_temp", c.Table}, columns: columns, extra: extra}
}

// resolve replaces each legacy identity in a Resolve column by the entity it
// was matched to. An identity not matched (its row was not merged on a
// natural key, or was rejected) stays, and is an orphan that verify reports.
func (st *stage) resolve(ctx context.Context, tx pgx.Tx) error {
	for _, col := range st.c.Merge.Resolve {
		q := fmt.Sprintf(`UPDATE %s AS s SET %[2]s = lk.entity FROM sluice.legacy_keys AS lk
			WHERE lk.legacy_uuid = s.%[2]s`, st.name, quoteIdent(col))
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("resolve matched keys in column %s: %w", col, err)
		}
	}
	return nil
}

// checkDuplicates fails when two staged rows have the same key: a merge
// without a natural key cannot tell which of them is the row.
func (st *stage) checkDuplicates(ctx context.Context, tx pgx.Tx) error {
	keys := qualify("s", st.c.Merge.Key)
	var key string
	var first, second int32
	err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT ROW(%s)::text, min(s.%s), max(s.%[2]s) FROM %s AS s
		GROUP BY %[1]s HAVING count(*) > 1 LIMIT 1`, keys, stageOrd, st.name)).Scan(&key, &first, &second)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look for duplicate keys: %w", err)
	}
	return fmt.Errorf("rows %s and %s of the chunk have the same key %s %s: a merge needs one row per key",
		st.rowName(int(first)), st.rowName(int(second)), strings.Join(st.c.Merge.Key, ", "), key)
}

// rowName names row i of the chunk by its legacy key, or its position.
func (st *stage) rowName(i int) string {
	if st.c.KeyOf != nil {
		return fmt.Sprintf("with legacy key %s", st.c.KeyOf(i))
	}
	return fmt.Sprintf("%d", i+1)
}

// drop removes the rows the table refused from the stage, so that they do
// not count as seen.
func (st *stage) drop(ctx context.Context, tx pgx.Tx, rows []int32) error {
	if len(rows) == 0 || !st.c.Merge.TrackSeen {
		return nil
	}
	_, err := tx.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s = ANY($1)", st.name, stageOrd), rows)
	if err != nil {
		return fmt.Errorf("drop refused rows from the stage: %w", err)
	}
	return nil
}

// trackSeen records the keys of the staged rows in this generation:
// DeleteMissing deletes what was not seen.
func (st *stage) trackSeen(ctx context.Context, tx pgx.Tx) error {
	if !st.c.Merge.TrackSeen {
		return nil
	}
	key := rowKeyText("s", st.c.Merge.Key)
	if st.c.Merge.Match != nil {
		key = "s." + stageIdentity + "::text"
	}
	q := fmt.Sprintf("INSERT INTO sluice.seen (table_id, generation, key) SELECT $1, $2, %s FROM %s AS s", key, st.name)
	if _, err := tx.Exec(ctx, q, st.c.TableID, st.c.Generation); err != nil {
		return fmt.Errorf("record the keys seen: %w", err)
	}
	return nil
}

// rowKeyText is the text a row's key is recorded as in sluice.seen, on a
// table not matched on a natural key (a matched part records identities).
func rowKeyText(alias string, key []string) string {
	return "ROW(" + qualify(alias, key) + ")::text"
}
