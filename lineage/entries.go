package lineage

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/sluicedb/sluice/audit"
)

var errNoAudit = errors.New("no audit trail in this target (sluice.audit does not exist)")

// auditEntries returns the entries of sluice.audit that cover a row: the
// start and end of the run that committed its chunk, the mapping entries
// (table.plan, table.rerun) and the table.done of its table generation, and
// the chunk.commit of its chunk. chunk 0 or run 0 leave those out.
func auditEntries(ctx context.Context, q Querier, id string, generation, chunk int, run int64) ([]Entry, error) {
	if err := needRelation(ctx, q, "sluice.audit", errNoAudit); err != nil {
		return nil, err
	}
	gen := strconv.Itoa(generation)
	rows, err := q.Query(ctx, `SELECT seq, operation, run_id, at FROM sluice.audit
		WHERE (run_id = $1 AND $1 > 0 AND operation IN ($2, $3))
		   OR (details->>'table' = $4 AND details->>'generation' = $5 AND operation IN ($6, $7, $8))
		   OR (details->>'table' = $4 AND details->>'generation' = $5 AND details->>'chunk' = $9 AND operation = $10)
		ORDER BY seq`,
		run, audit.OpRunStart, audit.OpRunEnd, id, gen, audit.OpTablePlan, audit.OpTableRerun, audit.OpTableDone,
		strconv.Itoa(chunk), audit.OpChunkCommit)
	if err != nil {
		return nil, fmt.Errorf("read the audit entries of %s: %w", id, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Seq, &e.Operation, &e.RunID, &e.At); err != nil {
			return nil, fmt.Errorf("read the audit entries of %s: %w", id, err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
