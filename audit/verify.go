package audit

import (
	"context"
	"fmt"
)

// Verify reads the whole audit trail and recomputes its chain. The report
// names the first entry that was altered, inserted, deleted or moved; with a
// public key, every bad signature and the work no valid signature covers (see
// checkCoverage); with o.CheckRuns, the runs sluice.runs and the trail
// disagree on; with an anchor, every anchored head of this trail or database
// the trail no longer holds. Tampering is a finding in the report, not an
// error: the error is for failing to read.
//
// Read the trail and o.Runs in one snapshot (a REPEATABLE READ transaction
// as q), or a run starting or ending in between looks like tampering.
func Verify(ctx context.Context, q Querier, o Options) (*Report, error) {
	c := newChecker(o)
	rows, err := queryRange(ctx, q, 1, 0)
	if err != nil {
		return nil, fmt.Errorf("verify the audit trail: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, details, err := scanRow(rows)
		if err != nil {
			return nil, fmt.Errorf("verify the audit trail: read an entry: %w", err)
		}
		c.add(withDetails(e, details))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify the audit trail: %w", err)
	}
	return c.finish(), nil
}

// withDetails parses a row's details; a row whose details cannot be parsed
// was tampered with, which the checker reports.
func withDetails(e Entry, details string) (Entry, string) {
	var err error
	if e.Details, err = parseDetails(details); err != nil {
		return e, "details: " + err.Error()
	}
	return e, ""
}
