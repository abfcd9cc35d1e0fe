package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
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
	tot, err := r.tgt.Totals(ctx, t.ID, j.generation)
	if err != nil {
		return res, fmt.Errorf("sum the ledger of %s: %w", t.ID, err)
	}
	inTarget, err := r.tgt.CountRows(ctx, r.plan.Schema, t.Name)
	if err != nil {
		return res, fmt.Errorf("count target rows of %s: %w", t.Name, err)
	}
	res.SourceRows, res.Filtered = total, total-matching
	res.Read, res.Loaded, res.Rejected, res.Chunks = tot.Read, tot.Loaded, tot.Rejected, tot.Chunks
	if err := r.tgt.SetSourceRows(ctx, t.ID, j.generation, total, res.Filtered); err != nil {
		return res, fmt.Errorf("record source rows of %s: %w", t.ID, err)
	}
	if msg := mismatch(matching, inTarget, res); msg != "" {
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

// mismatch explains every way the counts fail to reconcile, or returns "".
func mismatch(matching, inTarget int64, res TableResult) string {
	var p []string
	if res.Read != matching {
		p = append(p, fmt.Sprintf("the source holds %d rows (%d in all, %d filtered) but %d were read; did it change during the load?",
			matching, res.SourceRows, res.Filtered, res.Read))
	}
	if res.Read != res.Loaded+res.Rejected {
		p = append(p, fmt.Sprintf("%d rows read but %d loaded + %d rejected", res.Read, res.Loaded, res.Rejected))
	}
	if inTarget != res.Loaded {
		p = append(p, fmt.Sprintf("the ledger says %d rows loaded but the target table holds %d", res.Loaded, inTarget))
	}
	return strings.Join(p, "; ")
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
	res.Read, res.Loaded, res.Rejected, res.Chunks = tot.Read, tot.Loaded, tot.Rejected, tot.Chunks
	return res, nil
}
