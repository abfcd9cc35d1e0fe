package postgres

import (
	"context"

	"github.com/sluicedb/sluice"
)

var _ sluice.KeySetReader = (*Source)(nil)

// ReadKeys reads the rows of the given integer keys, in key order.
func (s *Source) ReadKeys(ctx context.Context, req sluice.ReadRequest, keys []int64) (sluice.RowIter, error) {
	return sluice.ReadKeySet(ctx, s, QuoteIdent, req, keys)
}
