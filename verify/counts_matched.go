package verify

import (
	"context"
	"fmt"
)

// matchedCounts is level 1 of a part of a table merged on a natural key: its
// rows share entity rows with other sources' rows, so the target table's
// rows do not count them; sluice.legacy_keys, which holds one row per
// loaded source row of the part, does. The rows the part's source owns are
// named in the detail.
func (v *tableCheck) matchedCounts(ctx context.Context) (LevelResult, error) {
	sc, err := v.sourceCounts(ctx)
	if err != nil {
		return LevelResult{}, err
	}
	v.checkState()
	if !v.load.hasLegacyKeys {
		v.add(Finding{Level: LevelCounts, Check: "state", Detail: "the target has no sluice.legacy_keys: the rows matched on a natural key cannot be counted"})
		return LevelResult{Checked: sc.total}, nil
	}
	keys, err := v.state.CountLegacyKeys(ctx, v.t.ID)
	if err != nil {
		return LevelResult{}, err
	}
	var owned int64
	if err := v.db.QueryRow(ctx, "SELECT count(*) FROM "+v.cat.name+v.where("")).Scan(&owned); err != nil {
		return LevelResult{}, fmt.Errorf("count the target rows of %s: %w", v.t.ID, err)
	}
	kept, err := v.keptIfSurplus(ctx, sc, keys, v.keptLegacyKeys)
	if err != nil {
		return LevelResult{}, err
	}
	v.checkBalance(sc.total, keys-kept, sc.rejected, sc.filtered(), "legacy keys")
	v.kept = kept
	detail := fmt.Sprintf("source %d = legacy keys %d + rejected %d + filtered %d; %s owned by %s",
		sc.total, keys-kept, sc.rejected, sc.filtered(), plural(int(owned), "target row"), v.t.Source)
	if kept > 0 {
		detail += fmt.Sprintf("; %s kept whose source row is gone", plural(int(kept), "legacy key"))
	}
	return LevelResult{Checked: sc.total, Detail: detail}, nil
}
