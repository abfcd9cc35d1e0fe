package lineage

import (
	"context"
	"fmt"
	"strconv"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// Filtered reports whether the source row of t with the legacy key is one
// that t's where: excludes, for a key Trace found neither in the target
// nor among the rejects. It answers for a single integer key column (the
// keyset read starts just before the key); for any other key, or a table
// without a filter, it reports false: unknown, not filtered.
func Filtered(ctx context.Context, src sluice.Source, t *plan.Table, key string) (bool, error) {
	if t.Where == "" || len(t.Key) != 1 {
		return false, nil
	}
	k, err := strconv.ParseInt(key, 10, 64)
	if err != nil || k == -1<<63 {
		return false, nil
	}
	it, err := src.Read(ctx, sluice.ReadRequest{Table: t.SourceTable, Columns: t.Key, Key: t.Key,
		After: []any{k - 1}, Limit: 1, Where: "(" + t.Where + ") IS NOT TRUE"})
	if err != nil {
		return false, fmt.Errorf("look for %s key %s among the rows its filter excludes: %w", t.ID, key, err)
	}
	defer it.Close()
	if !it.Next() {
		return false, it.Err()
	}
	return sluice.KeyText(it.Key()) == key, nil
}

// Parts are the tables a trace of table looks the key up in: one, or
// each part of a merged table.
func Parts(p *plan.Plan, table string) ([]*plan.Table, error) { return findTables(p, table) }
