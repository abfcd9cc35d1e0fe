package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Index runs the last post-load statements of table id (the primary key and
// unique constraints attached to indexes built before) and moves it to state
// indexed, in one transaction: a crash leaves either all of them and the
// state, or none, so a rerun neither skips them nor meets a constraint that
// already exists.
func (t *Target) Index(ctx context.Context, id string, generation int, stmts []string) error {
	indexed := func() (bool, error) {
		st, err := t.TableState(ctx, id)
		return st != nil && st.Generation == generation && st.State == StateIndexed, err
	}
	err := t.doOnce(ctx, indexed, func() error { return t.indexTx(ctx, id, generation, stmts) })
	if err != nil {
		return fmt.Errorf("index %s generation %d: %w", id, generation, err)
	}
	return nil
}

func (t *Target) indexTx(ctx context.Context, id string, generation int, stmts []string) error {
	return pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		for _, stmt := range stmts {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("execute %q: %w", firstLine(stmt), err)
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE sluice.tables SET state = 'indexed', updated_at = now()
			WHERE id = $1 AND generation = $2`, id, generation)
		if err == nil && tag.RowsAffected() == 0 {
			err = staleGeneration(id, generation)
		}
		return err
	})
}
