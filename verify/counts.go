package verify

import (
	"context"
	"fmt"
	"strconv"

	"github.com/sluicedb/sluice/target"
)

// counts is level 1: every source row is loaded, rejected or filtered out.
// The source is counted with and without the table's filter; loaded is what
// the target table holds now (of the rows this table answers for, see
// scope); rejected what sluice.rejects holds for the table's current
// generation. Where the strategy keeps rows whose source row is gone, and
// only when the target holds more than the source accounts for, those rows
// are counted and left out of loaded.
func (v *tableCheck) counts(ctx context.Context) (LevelResult, error) {
	switch {
	case v.t.Expansion != nil:
		return v.expansionCounts(ctx)
	case matched(v.t):
		return v.matchedCounts(ctx)
	}
	sc, err := v.sourceCounts(ctx)
	if err != nil {
		return LevelResult{}, err
	}
	var loaded int64
	if err := v.db.QueryRow(ctx, "SELECT count(*) FROM "+v.cat.name+v.where("")).Scan(&loaded); err != nil {
		return LevelResult{}, fmt.Errorf("count target rows of %s: %w", v.cat.name, err)
	}
	kept, err := v.keptIfSurplus(ctx, sc, loaded, v.keptRows)
	if err != nil {
		return LevelResult{}, err
	}
	v.checkState()
	v.checkBalance(sc.total, loaded-kept, sc.rejected, sc.filtered(), "loaded")
	v.tally = &Counts{Source: sc.total, Loaded: loaded - kept, Rejected: sc.rejected, Filtered: sc.filtered()}
	v.kept = kept
	detail := fmt.Sprintf("source %d = loaded %d + rejected %d + filtered %d", sc.total, loaded-kept, sc.rejected, sc.filtered())
	if kept > 0 {
		detail += "; " + keptText(kept)
	}
	return LevelResult{Checked: sc.total, Detail: detail}, nil
}

// sourceCount is what the source and sluice.rejects say of a table's rows.
type sourceCount struct {
	total    int64 // every row of the source table
	matching int64 // the rows its filter selects
	rejected int64 // the rejects of the current generation
}

func (sc sourceCount) filtered() int64 { return sc.total - sc.matching }

// expected is how many rows the source says are loaded.
func (sc sourceCount) expected() int64 { return sc.matching - sc.rejected }

func (v *tableCheck) sourceCounts(ctx context.Context) (sourceCount, error) {
	t := v.t
	var sc sourceCount
	var err error
	if sc.total, err = v.src.Count(ctx, t.SourceTable, ""); err != nil {
		return sc, fmt.Errorf("count source rows of %s: %w", t.ID, err)
	}
	sc.matching = sc.total
	if t.Where != "" {
		if sc.matching, err = v.src.Count(ctx, t.SourceTable, t.Where); err != nil {
			return sc, fmt.Errorf("count filtered source rows of %s: %w", t.ID, err)
		}
	}
	sc.rejected, err = v.load.rejectCount(ctx, v.state, t.ID)
	return sc, err
}

// keptIfSurplus counts, with count, the rows the strategy keeps although
// their source row is gone, when the target holds more rows than the source
// accounts for; otherwise 0: the rows pass (levels 5 and 6) counts them
// anyway, and the count costs a read of every source key.
func (v *tableCheck) keptIfSurplus(ctx context.Context, sc sourceCount, loaded int64, count func(context.Context) (int64, error)) (int64, error) {
	if !keeps(v.t) || loaded <= sc.expected() {
		return 0, nil
	}
	return count(ctx)
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

// checkBalance reports a source whose rows are not loaded (what names
// where: "loaded", or "legacy keys" for a part matched on a natural key),
// rejected or filtered out, exactly.
func (v *tableCheck) checkBalance(total, loaded, rejected, filtered int64, what string) {
	sum := loaded + rejected + filtered
	if total == sum {
		return
	}
	v.add(Finding{Level: LevelCounts, Check: "counts",
		SourceValue: strconv.FormatInt(total, 10), TargetValue: strconv.FormatInt(sum, 10),
		Detail: fmt.Sprintf("the source holds %d rows but %s %d + rejected %d + filtered %d = %d: %s",
			total, what, loaded, rejected, filtered, sum, unaccounted(total-sum))})
}

func unaccounted(diff int64) string {
	if diff > 0 {
		return fmt.Sprintf("%d source rows are not accounted for", diff)
	}
	return fmt.Sprintf("%d rows more than the source holds", -diff)
}
