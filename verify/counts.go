package verify

import (
	"context"
	"fmt"
	"strconv"

	"github.com/sluicedb/sluice/target"
)

// counts is level 1: every source row is loaded, rejected or filtered out.
// The source is counted with and without the table's filter; loaded is what
// the target table holds now; rejected what sluice.rejects holds for the
// table's current generation.
func (v *tableCheck) counts(ctx context.Context) (LevelResult, error) {
	t := v.t
	total, err := v.src.Count(ctx, t.SourceTable, "")
	if err != nil {
		return LevelResult{}, fmt.Errorf("count source rows of %s: %w", t.ID, err)
	}
	matching := total
	if t.Where != "" {
		if matching, err = v.src.Count(ctx, t.SourceTable, t.Where); err != nil {
			return LevelResult{}, fmt.Errorf("count filtered source rows of %s: %w", t.ID, err)
		}
	}
	var loaded int64
	if err := v.db.QueryRow(ctx, "SELECT count(*) FROM "+v.cat.name).Scan(&loaded); err != nil {
		return LevelResult{}, fmt.Errorf("count target rows of %s: %w", v.cat.name, err)
	}
	rejected, err := v.load.rejectCount(ctx, v.db, t.ID)
	if err != nil {
		return LevelResult{}, err
	}
	v.checkState()
	v.checkBalance(total, loaded, rejected, total-matching)
	return LevelResult{Checked: total, Detail: fmt.Sprintf("source %d = loaded %d + rejected %d + filtered %d",
		total, loaded, rejected, total-matching)}, nil
}

// checkState reports a table whose load is not recorded as finished: its
// counts cannot be expected to reconcile. A table indexed is finished too:
// every chunk is in and reconciled; migrate verifies it in that state, before
// the run's foreign keys make it done.
func (v *tableCheck) checkState() {
	switch {
	case !v.load.hasSchema:
		v.add(Finding{Level: LevelCounts, Check: "state", Detail: "the target has no state schema sluice: no rejects can be accounted for"})
	case !v.load.found:
		v.add(Finding{Level: LevelCounts, Check: "state", Detail: "sluice.tables records no load of this table"})
	case v.load.state != target.StateDone && v.load.state != target.StateIndexed:
		v.add(Finding{Level: LevelCounts, Check: "state", TargetValue: v.load.state,
			Detail: fmt.Sprintf("the load of generation %d is not finished (state %s)", v.load.generation, v.load.state)})
	}
}

func (v *tableCheck) checkBalance(total, loaded, rejected, filtered int64) {
	sum := loaded + rejected + filtered
	if total == sum {
		return
	}
	v.add(Finding{Level: LevelCounts, Check: "counts",
		SourceValue: strconv.FormatInt(total, 10), TargetValue: strconv.FormatInt(sum, 10),
		Detail: fmt.Sprintf("the source holds %d rows but loaded %d + rejected %d + filtered %d = %d: %s",
			total, loaded, rejected, filtered, sum, unaccounted(total-sum))})
}

func unaccounted(diff int64) string {
	if diff > 0 {
		return fmt.Sprintf("%d source rows are not accounted for", diff)
	}
	return fmt.Sprintf("%d rows more than the source holds", -diff)
}
