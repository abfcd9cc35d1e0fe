package audit

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// Querier runs a query: *pgx.Conn, *pgxpool.Pool and pgx.Tx all are one.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Each streams the entries with from <= seq <= to, in seq order, to fn; to <= 0
// means up to the last. It stops at fn's first error and returns it. One query
// reads them all, so they come from one snapshot even while others append.
func Each(ctx context.Context, q Querier, from, to int64, fn func(Entry) error) error {
	rows, err := queryRange(ctx, q, from, to)
	if err != nil {
		return fmt.Errorf("read audit entries %s: %w", seqRange(from, to), err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return fmt.Errorf("read audit entries %s: %w", seqRange(from, to), err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read audit entries %s: %w", seqRange(from, to), err)
	}
	return nil
}

// Read returns the entries with from <= seq <= to (to <= 0: up to the last).
func Read(ctx context.Context, q Querier, from, to int64) ([]Entry, error) {
	var entries []Entry
	err := Each(ctx, q, from, to, func(e Entry) error {
		entries = append(entries, e)
		return nil
	})
	return entries, err
}

// scanEntry reads one row. Details come as jsonb's text, whose key order and
// number spelling differ from what was hashed; normalising them gives back
// the same values, hence the same canonical bytes.
func scanEntry(rows pgx.Rows) (Entry, error) {
	e, details, err := scanRow(rows)
	if err != nil {
		return Entry{}, err
	}
	if e.Details, err = parseDetails(details); err != nil {
		return Entry{}, fmt.Errorf("details of entry %d: %w", e.Seq, err)
	}
	return e, nil
}

// scanRow reads one row, leaving its details as text.
func scanRow(rows pgx.Rows) (e Entry, details string, err error) {
	err = rows.Scan(&e.Seq, &e.At, &e.OSUser, &e.Host, &e.RunID, &e.Operation, &details,
		&e.PrevHash, &e.Hash, &e.Signature)
	e.At = e.At.UTC()
	return e, details, err
}

// parseDetails decodes stored details text into normalised values.
func parseDetails(text string) (map[string]any, error) {
	v, err := decodeJSON([]byte(text))
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("details are not a JSON object")
	}
	return normalizeMap(m)
}

// queryRange selects the entries from <= seq <= to (to <= 0: up to the last).
func queryRange(ctx context.Context, q Querier, from, to int64) (pgx.Rows, error) {
	if to <= 0 {
		to = math.MaxInt64
	}
	return q.Query(ctx, "SELECT "+entryColumns+` FROM sluice.audit WHERE seq BETWEEN $1 AND $2 ORDER BY seq`, from, to)
}

// entryColumns are the columns scanRow reads, in its order.
const entryColumns = `seq, at, os_user, host, run_id, operation, details::text,
	prev_hash, hash, coalesce(signature, '')`

func seqRange(from, to int64) string {
	if to <= 0 {
		return fmt.Sprintf("from %d on", from)
	}
	return fmt.Sprintf("%d..%d", from, to)
}
