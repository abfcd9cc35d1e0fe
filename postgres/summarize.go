package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

var _ sluice.Summarizer = (*Source)(nil)

// summarySettings fix, for the summary's transaction, every setting that
// changes how a value is written as text, so the same values digest the same
// way whatever the server's or role's defaults: time zone, date and interval
// styles, float digits (1: the shortest exact form), bytea and money formats.
const summarySettings = `SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD';
	SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1;
	SET LOCAL bytea_output = 'hex'; SET LOCAL lc_monetary = 'C'`

// Summarize counts and hashes the rows req selects on the server, in a
// read-only transaction; no row leaves the server.
func (s *Source) Summarize(ctx context.Context, req sluice.SummaryRequest) (sluice.Summary, error) {
	label := summaryLabel(s.name+"."+s.schema+"."+req.Table, req.After)
	types, partitioned, err := s.columnTypes(ctx, req.Table)
	if err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
	}
	keyDecs := s.decoders(req.Key, types)
	if req.After, err = encodeBounds(req.After, keyDecs); err == nil {
		req.Upto, err = encodeBounds(req.Upto, keyDecs)
	}
	if err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
	}
	q, args, err := SummarySQL(s.schema, req, types, partitioned)
	if err != nil {
		return sluice.Summary{}, fmt.Errorf("%s: %w", label, err)
	}
	sum, err := s.summarize(ctx, q, args)
	if err != nil {
		return sluice.Summary{}, classify(fmt.Errorf("%s: %w", label, err))
	}
	return sum, nil
}

// summaryLabel names the work in errors: "summarize pg.public.t after key 20000".
func summaryLabel(what string, after []any) string {
	if after == nil {
		return "summarize " + what + " from the start"
	}
	return "summarize " + what + " after key " + sluice.KeyText(after)
}

func (s *Source) summarize(ctx context.Context, q string, args []any) (sluice.Summary, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return sluice.Summary{}, err
	}
	defer tx.Rollback(ctx) // read-only: nothing to commit
	if _, err := tx.Exec(ctx, summarySettings); err != nil {
		return sluice.Summary{}, err
	}
	var version int
	if err := tx.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		return sluice.Summary{}, err
	}
	if version < 140000 {
		return sluice.Summary{}, fmt.Errorf("the server is PostgreSQL %d; summaries need bit_xor, from PostgreSQL 14", version)
	}
	var sum sluice.Summary
	var hi, lo int64
	if err := tx.QueryRow(ctx, q, args...).Scan(&sum.Rows, &hi, &lo); err != nil {
		return sluice.Summary{}, err
	}
	sum.Hash = fmt.Sprintf("%016x%016x", uint64(hi), uint64(lo))
	return sum, nil
}
