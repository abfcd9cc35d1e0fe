package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// stmt is a statement's text and its parameters beyond the fixed ones.
type stmt struct {
	sql  string
	args *sqlArgs
}

func (s stmt) exec(ctx context.Context, tx pgx.Tx, lo, hi, round int) (int, error) {
	tag, err := tx.Exec(ctx, s.sql, s.args.with(lo, hi, round)...)
	return int(tag.RowsAffected()), err
}

// matchWriter merges a part of a table merged on a natural key. Each row
// first records its legacy identity in sluice.legacy_keys. Then it is the
// entity's row when the entity is new; else it competes with the row owning
// the entity: the winner (see win) rewrites every column its source
// provides, the loser fills only the columns the owner's source does not
// provide, and (manual) queues a conflict for each value it disagrees on.
//
// Rows of one chunk with the same entity are merged in rounds, in chunk
// order: the first of each entity in round 1, the second in round 2, ...,
// each round against what the ones before it wrote.
type matchWriter struct {
	st     *stage
	rounds int

	classify                   stmt
	moved                      stmt
	legacyUpdate, legacyInsert stmt
	insert, winner, loser      stmt // loser.sql is "" when no column can be filled
	queue                      *conflictQueue
}

func newMatchWriter(ctx context.Context, tx pgx.Tx, st *stage) (*matchWriter, error) {
	rounds, err := numberRounds(ctx, tx, st)
	if err != nil {
		return nil, err
	}
	p := newMatchParts(st)
	w := &matchWriter{st: st, rounds: rounds, classify: p.classify(), moved: p.moved()}
	w.legacyUpdate, w.legacyInsert = p.legacyKeys()
	w.insert = p.insertNew()
	if st.c.Merge.Mode == MergeUpsert {
		w.winner, w.loser = p.winner(), p.loser()
		if st.c.Merge.Match.Manual {
			w.queue = newConflictQueue(p)
		}
	}
	return w, nil
}

// matchClasses counts the staged rows that need each statement.
type matchClasses struct {
	newKeys, changedKeys int // legacy keys to insert, to update
	fresh                int // rows of entities the table does not hold
	contested            int // rows of entities held, other than their owner's row unchanged
}

// numberRounds numbers each staged row among the rows of its entity, and
// returns the highest number.
func numberRounds(ctx context.Context, tx pgx.Tx, st *stage) (int, error) {
	key := quoteIdent(st.c.Merge.Key[0])
	var rounds int
	err := tx.QueryRow(ctx, fmt.Sprintf(`WITH numbered AS (
			UPDATE %[1]s AS s SET %[2]s = d.n
			FROM (SELECT %[3]s, row_number() OVER (PARTITION BY %[4]s ORDER BY %[3]s) AS n FROM %[1]s) AS d
			WHERE s.%[3]s = d.%[3]s AND d.n > 1
			RETURNING d.n)
		SELECT coalesce(max(n), 1) FROM numbered`, st.name, stageRound, stageOrd, key)).Scan(&rounds)
	if err != nil {
		return 0, fmt.Errorf("number rows of the same entity: %w", err)
	}
	return rounds, nil
}

func (w *matchWriter) write(ctx context.Context, tx pgx.Tx, lo, hi int) (mergeCounts, error) {
	var n mergeCounts
	var k matchClasses
	err := tx.QueryRow(ctx, w.classify.sql, w.classify.args.with(lo, hi, 0)...).Scan(&k.newKeys, &k.changedKeys, &k.fresh, &k.contested)
	if err != nil {
		return n, fmt.Errorf("compare rows with the table: %w", err)
	}
	if w.rounds > 1 {
		// Later rounds meet what earlier ones wrote: every statement runs.
		k.fresh, k.contested = 1, 1
	}
	if err := w.recordKeys(ctx, tx, lo, hi, k); err != nil {
		return n, err
	}
	for round := 1; round <= w.rounds; round++ {
		r, err := w.writeRound(ctx, tx, lo, hi, round, k)
		if err != nil {
			return n, err
		}
		n.add(r)
	}
	return n, nil
}

// recordKeys records new legacy keys and updates changed ones, after
// deleting the entities whose owning row moved to another.
func (w *matchWriter) recordKeys(ctx context.Context, tx pgx.Tx, lo, hi int, k matchClasses) error {
	if k.changedKeys > 0 {
		if _, err := w.moved.exec(ctx, tx, lo, hi, 0); err != nil {
			return fmt.Errorf("delete entities whose owning row moved to another: %w", err)
		}
		if _, err := w.legacyUpdate.exec(ctx, tx, lo, hi, 0); err != nil {
			return fmt.Errorf("update matched legacy keys: %w", err)
		}
	}
	if k.newKeys > 0 {
		if _, err := w.legacyInsert.exec(ctx, tx, lo, hi, 0); err != nil {
			return fmt.Errorf("record matched legacy keys: %w", err)
		}
	}
	return nil
}

func (w *matchWriter) writeRound(ctx context.Context, tx pgx.Tx, lo, hi, round int, k matchClasses) (mergeCounts, error) {
	var n mergeCounts
	var err error
	if k.fresh > 0 {
		if n.inserted, err = w.insert.exec(ctx, tx, lo, hi, round); err != nil {
			return n, fmt.Errorf("insert new entities: %w", err)
		}
	}
	if w.winner.sql == "" || k.contested == 0 {
		return n, nil
	}
	if n.updated, err = w.winner.exec(ctx, tx, lo, hi, round); err != nil {
		return n, fmt.Errorf("update entities won: %w", err)
	}
	written, err := w.fillLosers(ctx, tx, lo, hi, round)
	if err != nil {
		return n, err
	}
	if w.queue != nil {
		if n.conflicts, err = w.queue.run(ctx, tx, lo, hi, round, written); err != nil {
			return n, err
		}
	}
	n.updated += len(written)
	return n, nil
}

// fillLosers fills the columns the losing rows can give, and returns the
// rows (chunk indexes) that wrote something.
func (w *matchWriter) fillLosers(ctx context.Context, tx pgx.Tx, lo, hi, round int) (map[int32]bool, error) {
	written := map[int32]bool{}
	if w.loser.sql == "" {
		return written, nil
	}
	rows, _ := tx.Query(ctx, w.loser.sql, w.loser.args.with(lo, hi, round)...)
	var ord int32
	_, err := pgx.ForEachRow(rows, []any{&ord}, func() error { written[ord] = true; return nil })
	if err != nil {
		return nil, fmt.Errorf("fill columns from rows that lost: %w", err)
	}
	return written, nil
}
