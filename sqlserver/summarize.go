package sqlserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

var _ sluice.Summarizer = (*Source)(nil)

// Summarize counts and hashes the rows req selects on the server: each
// row's digest is SHA-256 over its values, each written as a presence byte,
// its length and its bytes (CAST to varbinary), so NULL, empty and every
// value differ; the summary adds up two 32-bit slices of every digest,
// which does not depend on the order rows come in. CHECKSUM and
// BINARY_CHECKSUM are not used: they collide on ordinary changes.
//
// With a Limit, the chunk's last key is found first (OFFSET ... FETCH) and
// the digest covers the rows up to it: two statements, so a row that moves
// between them changes the digest, and the chunk is read again.
func (s *Source) Summarize(ctx context.Context, req sluice.SummaryRequest) (sluice.Summary, error) {
	label := chunkLabel("summarize", s.name, req.ReadRequest)
	if len(req.Key) == 0 {
		return sluice.Summary{}, fmt.Errorf("%s: summaries need a key", label)
	}
	t, err := s.table(ctx, req.Table)
	if err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
	}
	upto := req.Upto
	if req.Limit > 0 {
		last, err := s.lastKey(ctx, t, req)
		if err != nil {
			return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
		}
		if last != nil {
			upto = last
		}
	}
	query, args, err := summarySQL(t, req.ReadRequest, upto)
	if err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
	}
	var sum sluice.Summary
	var h1, h2 int64
	if err := s.db.QueryRowContext(ctx, query, args...).Scan(&sum.Rows, &h1, &h2); err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, classify(err))
	}
	sum.Hash = fmt.Sprintf("%016x%016x", uint64(h1), uint64(h2))
	return sum, nil
}

// lastKey is the key of the Limit-th row of the range, or nil when the
// range holds fewer rows.
func (s *Source) lastKey(ctx context.Context, t *tableInfo, req sluice.SummaryRequest) ([]any, error) {
	cols, err := t.columnList(req.Key)
	if err != nil {
		return nil, err
	}
	where, args, err := chunkWhere(t, req.ReadRequest, req.Upto)
	if err != nil {
		return nil, err
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = c.selectExpr()
	}
	q := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s OFFSET %d ROWS FETCH NEXT 1 ROWS ONLY",
		strings.Join(exprs, ", "), t.ref(), where, quoteList(req.Key), req.Limit-1)
	raw := make([]any, len(cols))
	dest := make([]any, len(cols))
	for i := range raw {
		dest[i] = &raw[i]
	}
	err = s.db.QueryRowContext(ctx, q, args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, classify(err)
	}
	for i, c := range cols {
		if raw[i], err = c.convert(raw[i]); err != nil {
			return nil, err
		}
	}
	return raw, nil
}

// summarySQL digests the rows after req.After up to upto (inclusive).
func summarySQL(t *tableInfo, req sluice.ReadRequest, upto []any) (string, []any, error) {
	names := append(append([]string{}, req.Columns...), req.Key...)
	if _, err := t.columnList(names); err != nil {
		return "", nil, err
	}
	where, args, err := chunkWhere(t, req, upto)
	if err != nil {
		return "", nil, err
	}
	parts := make([]string, len(names))
	for i, n := range names {
		v := "CAST(" + quoteIdent(n) + " AS varbinary(max))"
		parts[i] = "ISNULL(0x01 + CAST(DATALENGTH(" + v + ") AS binary(8)) + " + v + ", 0x00)"
	}
	h := "HASHBYTES('SHA2_256', " + strings.Join(parts, " + ") + ")"
	slice := func(at int) string {
		return fmt.Sprintf("ISNULL(SUM(CAST(CAST(SUBSTRING(%s, %d, 4) AS int) AS bigint)), 0)", h, at)
	}
	return "SELECT COUNT_BIG(*), " + slice(1) + ", " + slice(5) + " FROM " + t.ref() + where, args, nil
}
