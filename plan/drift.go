package plan

import "slices"

// drift lists the schema drift of every merged table, in merge rule order.
// Missing and Types are found while the columns are unified; Unused once
// the columns each part reads are known.
func (b *builder) drift() []Drift {
	var ds []Drift
	for _, ms := range b.merges {
		if ms.drift != nil {
			ds = append(ds, *ms.drift)
		}
	}
	return ds
}

// unusedDrift lists, per part in from order, the source columns that no
// target column is made from: dropped, or left out by every mapping.
func (b *builder) unusedDrift(ms *mergeState) {
	if ms.drift == nil {
		return
	}
	for _, st := range b.parts(ms) {
		for _, c := range st.src.Columns {
			if !slices.Contains(st.t.ReadColumns, c.Name) {
				ms.drift.Unused = append(ms.drift.Unused, UnusedDrift{Source: st.t.ID, Column: c.Name})
			}
		}
	}
}
