package mysql

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice"
)

var _ sluice.Summarizer = (*Source)(nil)

// Summarize counts and hashes the rows req selects on the server, in the
// session Read uses (UTC, utf8mb4), so the same values digest the same way
// run after run. No row leaves the server.
func (s *Source) Summarize(ctx context.Context, req sluice.SummaryRequest) (sluice.Summary, error) {
	label := chunkLabel("summarize", s.name, req.ReadRequest)
	// The server would name an unknown column too, but not in Read's words.
	names := digestColumns(req.ReadRequest)
	types, err := s.readTypes(ctx, req.Table, names)
	if err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
	}
	sets, err := s.tableCharsets(ctx, req.Table)
	if err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
	}
	query, args, err := summarySQL(req, sets, newFloatColumns(names, types))
	if err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
	}
	var sum sluice.Summary
	var hash uint64
	var undigested int64
	if err := s.db.QueryRowContext(ctx, query, args...).Scan(&sum.Rows, &hash, &undigested); err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, classify(err))
	}
	if undigested > 0 {
		return sluice.Summary{}, fmt.Errorf("%s: %d rows are larger than the server's max_allowed_packet and have no digest", label, undigested)
	}
	sum.Hash = fmt.Sprintf("%016x", hash)
	return sum, nil
}
