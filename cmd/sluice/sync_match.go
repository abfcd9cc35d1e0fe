package main

import (
	"context"

	"github.com/sluicedb/sluice/plan"
)

// matchedUnrecorded says why the stream cannot follow t, a part of a table
// merged on match_on: a part's rows were copied by a sluice that did not
// keep their values, from which the stream rebuilds a matched row when one
// of its rows changes. "" when it can.
func (s *syncer) matchedUnrecorded(ctx context.Context, t *plan.Table) (string, error) {
	if t.Merged == nil || len(t.Merged.MatchOn) == 0 {
		return "", nil
	}
	missing, err := s.tgts[t.Database].MatchedValuesMissing(ctx, t.Merged.Parts)
	if err != nil || !missing {
		return "", err
	}
	return "rows of " + t.Merged.Table + " were copied by an earlier sluice that did not keep the values the stream rebuilds its matched rows from; rerun migrate to record them, then sync", nil
}
