package audit

import (
	"context"
	"fmt"
	"strconv"
)

// Covering selects the entries that cover one row of a table: the start and
// end of the run that committed its chunk, the mapping entries (table.plan,
// table.rerun) and the table.done of its table generation, and the
// chunk.commit of its chunk. Chunk 0 or RunID 0 leave those out.
type Covering struct {
	TableID    string
	Generation int
	Chunk      int
	RunID      int64
}

// EntriesCovering reads the entries c selects, in seq order, without their
// details and hashes (Each reads whole entries).
func EntriesCovering(ctx context.Context, q Querier, c Covering) ([]Entry, error) {
	gen := strconv.Itoa(c.Generation)
	rows, err := q.Query(ctx, `SELECT seq, operation, run_id, at FROM sluice.audit
		WHERE (run_id = $1 AND $1 > 0 AND operation IN ($2, $3))
		   OR (details->>'table' = $4 AND details->>'generation' = $5 AND operation IN ($6, $7, $8))
		   OR (details->>'table' = $4 AND details->>'generation' = $5 AND details->>'chunk' = $9 AND operation = $10)
		ORDER BY seq`,
		c.RunID, OpRunStart, OpRunEnd, c.TableID, gen, OpTablePlan, OpTableRerun, OpTableDone,
		strconv.Itoa(c.Chunk), OpChunkCommit)
	if err != nil {
		return nil, fmt.Errorf("read the audit entries of %s: %w", c.TableID, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Seq, &e.Operation, &e.RunID, &e.At); err != nil {
			return nil, fmt.Errorf("read the audit entries of %s: %w", c.TableID, err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the audit entries of %s: %w", c.TableID, err)
	}
	return out, nil
}
