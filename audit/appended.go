package audit

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// An append whose commit was lost with its connection may have committed or
// not: the entry itself is the truth. A writer that retries reads the last
// seq before its first try (LastSeq), and before each further try looks for
// its entry after it (Appended), so that it never appends twice and the chain
// keeps one entry per operation.

// LastSeq is the seq of the last committed entry, 0 when the trail is empty.
func LastSeq(ctx context.Context, q Querier) (int64, error) {
	var seq int64
	err := queryOne(ctx, q, "SELECT coalesce(max(seq), 0) FROM sluice.audit", nil, &seq)
	if err != nil {
		return 0, fmt.Errorf("read the last audit entry: %w", err)
	}
	return seq, nil
}

// Appended looks for e (its run, operation and details as Append stores
// them) among the entries after seq, and returns its seq when it is there.
func Appended(ctx context.Context, q Querier, after int64, e Entry) (seq int64, found bool, err error) {
	e, err = prepare(e)
	if err != nil {
		return 0, false, err
	}
	details, err := appendCanonical(nil, e.Details)
	if err != nil {
		return 0, false, err
	}
	err = queryOne(ctx, q, `SELECT seq FROM sluice.audit
		WHERE seq > $1 AND run_id = $2 AND operation = $3 AND details = $4::text::jsonb
		ORDER BY seq LIMIT 1`, []any{after, e.RunID, e.Operation, string(details)}, &seq)
	if err == pgx.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look for %s in the audit trail: %w", e.Operation, err)
	}
	return seq, true, nil
}

// queryOne scans the one row of sql into dest; pgx.ErrNoRows when there is
// none.
func queryOne(ctx context.Context, q Querier, sql string, args []any, dest ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}
