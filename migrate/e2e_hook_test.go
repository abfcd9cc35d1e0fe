package migrate_test

import (
	"context"

	"github.com/sluicedb/sluice"
)

// countHook is a real source that lets a test act just before the run
// counts a table's source rows, the first step of reconciling it.
type countHook struct {
	sluice.Source
	before func(table string)
}

func (h countHook) Count(ctx context.Context, table, where string) (int64, error) {
	h.before(table)
	return h.Source.Count(ctx, table, where)
}
