package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// reconcile proves that every source row of the table is accounted for: the
// source holds exactly loaded + rejected + filtered rows, the ledger's counts
// add up, and the target table holds exactly the loaded rows.
func (r *runner) reconcile(ctx context.Context, j *job, res TableResult) (TableResult, error) {
	t := j.table
	total, err := r.count(ctx, t, "")
	if err != nil {
		return res, fmt.Errorf("count source rows of %s: %w", t.ID, err)
	}
	matching := total
	if t.Where != "" {
		if matching, err = r.count(ctx, t, t.Where); err != nil {
			return res, fmt.Errorf("count filtered rows of %s: %w", t.ID, err)
		}
	}
	var tot target.Totals
	err = r.retryTarget(ctx, t.ID, func() (err error) {
		tot, err = r.tgt.Totals(ctx, t.ID, j.generation)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("sum the ledger of %s: %w", t.ID, err)
	}
	var inTarget int64
	err = r.retryTarget(ctx, t.ID, func() (err error) {
		inTarget, err = r.targetRows(ctx, j)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("count target rows of %s: %w", t.Name, err)
	}
	res.SourceRows, res.Filtered = total, total-matching
	res = withTotals(res, tot)
	if err := r.tgt.SetSourceRows(ctx, t.ID, j.generation, total, res.Filtered); err != nil {
		return res, fmt.Errorf("record source rows of %s: %w", t.ID, err)
	}
	if msg := mismatch(j, matching, inTarget, res); msg != "" {
		return res, &sluice.ValidationError{Table: t.ID, Detail: msg}
	}
	return res, nil
}

// count counts source rows, retrying transient errors like chunk reads do.
func (r *runner) count(ctx context.Context, t *plan.Table, where string) (n int64, err error) {
	err = r.retry(ctx, t.ID, func() (err error) {
		n, err = r.srcs[t.Source].Count(ctx, t.SourceTable, where)
		return err
	})
	return n, err
}

// targetRows counts what the target holds of the table: all of its rows
// after a direct load; after a merge, the rows Sluice loaded from this source
// (for a matched table, the source rows it knows the identity of), since
// other sources and the application may have rows there too.
func (r *runner) targetRows(ctx context.Context, j *job) (int64, error) {
	t, m := j.table, j.merge
	switch {
	case m == nil || m.Mode == target.MergeInsert:
		return r.tgt.CountRows(ctx, r.plan.Schema, t.Name)
	case m.Match != nil:
		return r.tgt.CountLegacyKeys(ctx, t.ID)
	default:
		return r.tgt.CountLoaded(ctx, r.plan.Schema, t.Name, m.HashColumn, m.SourceColumn, m.Source)
	}
}

// mismatch explains every way the counts fail to reconcile, or returns "".
// A merge keeps the rows whose source row is gone unless delete_missing
// says otherwise, so the target may then hold more than this run loaded,
// never fewer. An expansion loads several rows per source row: its
// expected count is checked row by row by verify.
func mismatch(j *job, matching, inTarget int64, res TableResult) string {
	var p []string
	if res.Read != matching {
		p = append(p, fmt.Sprintf("the source holds %d rows (%d in all, %d filtered) but %d were read; did it change during the load?",
			matching, res.SourceRows, res.Filtered, res.Read))
	}
	if j.table.Expansion == nil && res.Read != res.Loaded+res.Rejected {
		p = append(p, fmt.Sprintf("%d rows read but %d loaded + %d rejected", res.Read, res.Loaded, res.Rejected))
	}
	exact := j.merge == nil || j.merge.Mode == target.MergeInsert || j.table.DeleteMissing
	switch {
	case exact && inTarget != res.Loaded:
		p = append(p, fmt.Sprintf("the ledger says %d rows loaded but the target table holds %d", res.Loaded, inTarget))
	case inTarget < res.Loaded:
		p = append(p, fmt.Sprintf("the ledger says %d rows loaded but the target table holds only %d of them", res.Loaded, inTarget))
	}
	return strings.Join(p, "; ")
}

// withTotals copies the ledger's counts into the result.
func withTotals(res TableResult, tot target.Totals) TableResult {
	res.Read, res.Loaded, res.Rejected, res.Chunks = tot.Read, tot.Loaded, tot.Rejected, tot.Chunks
	res.Inserted, res.Updated, res.Unchanged, res.Deleted = tot.Inserted, tot.Updated, tot.Unchanged, tot.Deleted
	return res
}

// result reports a table an earlier run finished, from its state and ledger.
func (r *runner) result(ctx context.Context, j *job, res TableResult) (TableResult, error) {
	tot, err := r.tgt.Totals(ctx, j.table.ID, j.generation)
	if err != nil {
		return res, fmt.Errorf("sum the ledger of %s: %w", j.table.ID, err)
	}
	st, err := r.tgt.TableState(ctx, j.table.ID)
	if err != nil {
		return res, fmt.Errorf("read the state of %s: %w", j.table.ID, err)
	}
	if st != nil && st.RowsSource != nil {
		res.SourceRows, res.Filtered = *st.RowsSource, st.RowsFiltered
	}
	return withTotals(res, tot), nil
}
