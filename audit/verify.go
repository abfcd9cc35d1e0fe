package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
)

// Verify reads the whole audit trail and recomputes its chain. The report
// names the first entry that was altered, inserted, deleted or moved, and,
// with a public key (nil skips them), every bad signature and every finished
// run (one with a run.end entry) whose head is not signed. Tampering is a
// finding in the report, not an error: the error is for failing to read.
func Verify(ctx context.Context, q Querier, pub ed25519.PublicKey) (*Report, error) {
	c := newChecker(pub)
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
