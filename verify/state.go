package verify

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// loadState is what the state schema says about a table's load: which
// generation is current, and so which rejects count.
type loadState struct {
	hasSchema bool // the target has sluice.tables and sluice.rejects
	// hasLegacyKeys: the target has sluice.legacy_keys (state schema 5),
	// which maps the rows of tables merged on a natural key.
	hasLegacyKeys bool
	found         bool // sluice.tables has a row for the table
	generation    int
	state         string
}

func readLoadState(ctx context.Context, db *pgxpool.Pool, id string) (loadState, error) {
	var s loadState
	err := db.QueryRow(ctx, `SELECT to_regclass('sluice.tables') IS NOT NULL AND to_regclass('sluice.rejects') IS NOT NULL,
		to_regclass('sluice.legacy_keys') IS NOT NULL`).Scan(&s.hasSchema, &s.hasLegacyKeys)
	if err != nil || !s.hasSchema {
		return s, wrapState(id, err)
	}
	err = db.QueryRow(ctx, `SELECT generation, state FROM sluice.tables WHERE id = $1`, id).Scan(&s.generation, &s.state)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, nil
	}
	s.found = err == nil
	return s, wrapState(id, err)
}

func wrapState(id string, err error) error {
	if err != nil {
		return fmt.Errorf("read the load state of %s: %w", id, err)
	}
	return nil
}

// rejectCount counts the rejects stored for the table's current generation.
func (s loadState) rejectCount(ctx context.Context, db *pgxpool.Pool, id string) (int64, error) {
	if !s.found {
		return 0, nil
	}
	var n int64
	err := db.QueryRow(ctx, `SELECT count(*) FROM sluice.rejects WHERE table_id = $1 AND generation = $2`, id, s.generation).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the rejects of %s: %w", id, err)
	}
	return n, nil
}

// recorded returns which of the row labels (legacy key texts) have a
// reject stored in the current generation.
func (s loadState) recorded(ctx context.Context, db *pgxpool.Pool, id string, labels []string) (map[string]bool, error) {
	found := map[string]bool{}
	if !s.found || len(labels) == 0 {
		return found, nil
	}
	rows, err := db.Query(ctx, `SELECT DISTINCT row_key FROM sluice.rejects
		WHERE table_id = $1 AND generation = $2 AND row_key = ANY($3)`, id, s.generation, labels)
	if err != nil {
		return nil, fmt.Errorf("look up the rejects of %s: %w", id, err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("look up the rejects of %s: %w", id, err)
	}
	for _, k := range keys {
		found[k] = true
	}
	return found, nil
}
