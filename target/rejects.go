package target

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

// RejectRow is one row of sluice.rejects.
type RejectRow struct {
	ID          int64
	RunID       int64
	TableID     string
	Generation  int
	ChunkNo     int
	Source      string
	SourceTable string
	TargetTable string
	Key         string
	Column      string
	RawText     string // readable: invalid UTF-8 bytes and NUL as \xNN
	RawBytes    []byte // the exact bytes when the value was text or bytes, else nil
	RawNull     bool   // the value was NULL (or no value was recorded)
	Reason      string
	RejectedAt  time.Time
}

// renderedRow is a whole row written as text, the raw value of a reject
// whose column is not known. It has no exact bytes of its own.
type renderedRow string

func renderRow(row []any) renderedRow {
	parts := make([]string, len(row))
	for i, v := range row {
		if v == nil {
			parts[i] = "NULL"
		} else {
			parts[i] = sluice.ValueText(v)
		}
	}
	return renderedRow("(" + strings.Join(parts, ", ") + ")")
}

var rejectColumns = []string{"run_id", "table_id", "generation", "chunk_no", "source", "source_table",
	"target_table", "row_key", "column_name", "raw_text", "raw_bytes", "reason"}

// insertRejects stores the chunk's rejects with one COPY. Every text is
// escaped: a legacy key or a reason may hold bytes a text column refuses.
func insertRejects(ctx context.Context, tx pgx.Tx, c *ChunkLoad, table tableNames, rejects []Reject) error {
	if len(rejects) == 0 {
		return nil
	}
	rows := make([][]any, len(rejects))
	for i, r := range rejects {
		text, raw := rawColumns(r.Raw)
		rows[i] = []any{nullIfZero(c.RunID), c.TableID, c.Generation, c.ChunkNo,
			escapeText(orDefault(r.Source, table.source)), escapeText(orDefault(r.SourceTable, table.sourceTable)),
			c.Table, nullText(r.Key), nullText(r.Column), text, raw, escapeText(r.Reason)}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"sluice", "rejects"}, rejectColumns, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("store %d rejects: %w", len(rejects), err)
	}
	return nil
}

// rawColumns returns raw_text and raw_bytes for a raw value.
func rawColumns(v any) (text, raw any) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return escapeText(x), []byte(x)
	case []byte:
		return escapeText(string(x)), x
	case renderedRow:
		return escapeText(string(x)), nil
	default:
		return escapeText(sluice.ValueText(x)), nil
	}
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return escapeText(s)
}

func nullIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Rejects returns the rejects of run runID (every run when runID is 0), in
// the order they were stored, at most limit of them (all when limit <= 0).
func (t *Target) Rejects(ctx context.Context, runID int64, limit int) ([]RejectRow, error) {
	q := `SELECT reject_id, coalesce(run_id, 0), table_id, generation, chunk_no, coalesce(source, ''),
			coalesce(source_table, ''), coalesce(target_table, ''), coalesce(row_key, ''),
			coalesce(column_name, ''), coalesce(raw_text, ''), raw_bytes, raw_text IS NULL, reason, rejected_at
		FROM sluice.rejects WHERE ($1::bigint = 0 OR run_id = $1::bigint) ORDER BY reject_id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := t.pool.Query(ctx, q, runID)
	if err != nil {
		return nil, fmt.Errorf("read rejects of run %d: %w", runID, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (RejectRow, error) {
		var r RejectRow
		err := row.Scan(&r.ID, &r.RunID, &r.TableID, &r.Generation, &r.ChunkNo, &r.Source, &r.SourceTable,
			&r.TargetTable, &r.Key, &r.Column, &r.RawText, &r.RawBytes, &r.RawNull, &r.Reason, &r.RejectedAt)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("read rejects of run %d: %w", runID, err)
	}
	return out, nil
}
