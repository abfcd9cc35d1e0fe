package lineage

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// rejectsOf returns the rejects of a table generation whose row key is key.
func rejectsOf(ctx context.Context, q Querier, id string, generation int, key string) ([]Reject, error) {
	rows, err := q.Query(ctx, rejectQuery+" AND row_key = $3 ORDER BY reject_id", id, generation, key)
	if err != nil {
		return nil, fmt.Errorf("read the rejects of %s key %s: %w", id, key, err)
	}
	all, err := scanRejects(rows, nil)
	if err != nil {
		return nil, fmt.Errorf("read the rejects of %s key %s: %w", id, key, err)
	}
	return all[key], nil
}

// rejectsOfUUID finds the rejects of a table generation whose row would
// have had uuid u: the uuid of each rejected key is computed as the
// migration would have (sluice.KeyUUID over "<source>.<table>:<key>"), since
// a rejected row has no uuid stored anywhere. It returns the key too.
func rejectsOfUUID(ctx context.Context, q Querier, id string, generation int, u uuid.UUID, name func(key string) uuid.UUID) (string, []Reject, error) {
	rows, err := q.Query(ctx, rejectQuery+" ORDER BY reject_id", id, generation)
	if err != nil {
		return "", nil, fmt.Errorf("read the rejects of %s: %w", id, err)
	}
	all, err := scanRejects(rows, func(key string) bool { return name(key) == u })
	if err != nil {
		return "", nil, fmt.Errorf("read the rejects of %s: %w", id, err)
	}
	for key, rs := range all {
		return key, rs, nil
	}
	return "", nil, nil
}

const rejectQuery = `SELECT reject_id, coalesce(run_id, 0), chunk_no, coalesce(row_key, ''), coalesce(column_name, ''),
	CASE WHEN raw_text IS NULL AND raw_bytes IS NULL THEN NULL ELSE coalesce(raw_text, '') END, reason, rejected_at
	FROM sluice.rejects WHERE table_id = $1 AND generation = $2`

// scanRejects groups rejects by row key, keeping those whose key keep
// accepts (all of them when keep is nil).
func scanRejects(rows pgx.Rows, keep func(key string) bool) (map[string][]Reject, error) {
	defer rows.Close()
	out := map[string][]Reject{}
	for rows.Next() {
		var r Reject
		var key string
		if err := rows.Scan(&r.ID, &r.RunID, &r.ChunkNo, &key, &r.Column, &r.Raw, &r.Reason, &r.RejectedAt); err != nil {
			return nil, err
		}
		if keep == nil || keep(key) {
			r.RejectedAt = r.RejectedAt.UTC()
			out[key] = append(out[key], r)
		}
	}
	return out, rows.Err()
}
