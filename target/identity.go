package target

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// AdvanceIdentity runs plan.AdvanceIdentity's statement, which moves an
// identity column's sequence past the highest value the table holds. It
// returns the value the application's next row without one gets, and
// false when the column has no sequence (a table that existed before with
// other columns' attributes).
func (t *Target) AdvanceIdentity(ctx context.Context, stmt string) (next int64, ok bool, err error) {
	var value int64
	var called bool
	err = t.queryRow(ctx, stmt).Scan(&value, &called)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("move an identity's sequence on %s: %w", t.where, err)
	case called:
		return value + 1, true, nil
	}
	return value, true, nil
}
