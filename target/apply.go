package target

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice/audit"
)

// RowOp is what a RowChange does to its target table.
type RowOp uint8

// The row operations of a stream batch.
const (
	// OpInsert adds Values as a new row; a row with its key already there
	// is an error (the stream and the copy never both hold a row).
	OpInsert RowOp = iota + 1
	// OpUpsert writes the whole row Values: the row with its key is
	// replaced, or inserted when the target lacks it (its copy rejected it).
	OpUpsert
	// OpUpdate sets Columns to Values on the row whose key is KeyValues:
	// the source sent only these (the others kept their values).
	OpUpdate
	// OpDelete removes the rows whose Key columns equal KeyValues (the row
	// with that key; or, keyed by an expansion's parent column, every
	// expanded row of a parent); without a Key, one row whose every column
	// of Columns equals KeyValues.
	OpDelete
	// OpTruncate empties the table.
	OpTruncate
)

var rowOpNames = [...]string{"", "insert", "upsert", "update", "delete", "truncate"}

func (o RowOp) String() string {
	if int(o) < len(rowOpNames) {
		return rowOpNames[o]
	}
	return "op" + strconv.Itoa(int(o))
}

// RowChange is one transformed row change for a target table.
type RowChange struct {
	TableID       string // the planned table ("<source>.<table>"), for counts and rejects
	Schema, Table string // the target table
	Op            RowOp
	// Key names the target key columns; nil for a table without a key, whose
	// rows a delete finds by every column of Columns.
	Key []string
	// Keep names the columns an upsert leaves as the row it conflicts with
	// has them (a UUID the application gave a row after a cutover).
	Keep      []string
	Columns   []string // the columns of Values (OpInsert, OpUpsert, OpUpdate), or of KeyValues without a Key
	Values    []any
	KeyValues []any // OpUpdate, OpDelete: the key of the row, as it was before the change
	// RowKey labels the row in a reject (the legacy key text).
	RowKey string
	// Resolve lists the columns of Values holding a legacy identity that a
	// row matched on a natural key may have taken: the entity it was
	// matched to is written instead (as the copy's stage resolves them).
	Resolve []string
	// Matched is set on a change of a part of a table merged on a natural
	// key: an OpUpsert records the row Identity names (Values in the part's
	// columns), an OpDelete forgets it, an OpTruncate forgets every row of
	// the part (TableID), and the entities they touch are rebuilt.
	Matched  *MatchedTable
	Identity uuid.UUID
	// Position is the source position of the change's transaction, which a
	// reject of it records.
	Position string
}

// StreamReject is a row change that could not apply: its value could not be
// cast, or the target refused the row.
type StreamReject struct {
	Reject
	TableID  string
	Table    string // the target table
	Position string // the source position of its transaction
}

// StreamBatch is one or more consecutive source transactions of a source's
// change stream, transformed through the mapping, committed at once.
type StreamBatch struct {
	RunID  int64
	Source string
	// From is the position the stream stands at on the target (the batch's
	// transactions are after it); To is the position of its last
	// transaction (or of a heartbeat after it).
	From, To     string
	Transactions int
	SourceTime   time.Time // the source's commit time of the last transaction; zero when none
	Changes      []RowChange
	Rejects      []StreamReject
	// Stops are tables whose stream stops with this batch, by table ID, with
	// why; Notes are schema changes absorbed, each an audit entry.
	Stops map[string]string
	Notes []map[string]any
	// Skipped counts, by table ID, the row changes of tables that sync
	// keeps current by reruns: counted, not applied.
	Skipped map[string]int
	// Adds are columns added to the source that the batch adds to target
	// tables before its rows; Ignored notes, by table ID, added columns a
	// mapping does not take (status shows it).
	Adds    []ColumnAdd
	Ignored map[string]string
}

// Skip counts a row change of table id that is not applied.
func (b *StreamBatch) Skip(id string) {
	if b.Skipped == nil {
		b.Skipped = map[string]int{}
	}
	b.Skipped[id]++
}

// TableCounts is what a batch did to one table.
type TableCounts struct {
	Inserted, Updated, Deleted, Truncated, Rejected, Skipped int
}

// BatchResult is what ApplyBatch did.
type BatchResult struct {
	Applied  int // row changes applied
	Rejected int // rejects stored: the transforms' and the rows the target refused
	Tables   map[string]*TableCounts
}

// ApplyBatch applies a batch exactly once: in one transaction it moves the
// source's stream from From to To (a batch that does not start where the
// stream stands is a *StreamMovedError and changes nothing: applied twice,
// updates and deletes would not be idempotent), writes the rows, the rejects
// and the audit entry. The commit is synchronous: the caller acknowledges To
// to the source right after, and the source may then discard what a restart
// would need.
//
// A row the target refuses (a constraint, a value out of range) is a
// reject: the batch is applied again with each change on its own savepoint,
// and the refused changes are stored as rejects with their position.
func (t *Target) ApplyBatch(ctx context.Context, b StreamBatch) (BatchResult, error) {
	res, err := t.applyBatch(ctx, &b, false)
	if isRowError(err) {
		res, err = t.applyBatch(ctx, &b, true)
	}
	if err != nil {
		return BatchResult{}, fmt.Errorf("apply the changes of %s after %s up to %s: %w", b.Source, b.From, b.To, withCause(ctx, err))
	}
	return res, nil
}

func (t *Target) applyBatch(ctx context.Context, b *StreamBatch, careful bool) (BatchResult, error) {
	var res BatchResult
	err := pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		if err := claimStream(ctx, tx, b); err != nil {
			return err
		}
		if err := addColumns(ctx, tx, b.Adds); err != nil {
			return err
		}
		if err := lockMatched(ctx, tx, b.Changes); err != nil {
			return err
		}
		rejects := append([]StreamReject(nil), b.Rejects...)
		var err error
		if careful {
			res, rejects, err = applyCarefully(ctx, tx, b.RunID, b.Changes, rejects)
		} else {
			res, rejects, err = applyAll(ctx, tx, b.RunID, b.Changes, rejects)
		}
		if err != nil {
			return err
		}
		for _, r := range rejects {
			res.count(r.TableID).Rejected++
		}
		for id, n := range b.Skipped {
			res.count(id).Skipped += n
		}
		res.Rejected = len(rejects)
		if err := insertStreamRejects(ctx, tx, b, rejects); err != nil {
			return err
		}
		return finishBatch(ctx, tx, b, res, rejects)
	})
	return res, err
}

// claimStream moves the stream's position first: a second sync applying the
// same batch waits on the row lock here, then finds the position moved.
func claimStream(ctx context.Context, tx pgx.Tx, b *StreamBatch) error {
	var to string
	err := tx.QueryRow(ctx, `UPDATE sluice.streams SET position = $3 WHERE source = $1 AND position = $2 RETURNING position`,
		b.Source, b.From, b.To).Scan(&to)
	if errors.Is(err, pgx.ErrNoRows) {
		moved := &StreamMovedError{Source: b.Source, From: b.From}
		_ = tx.QueryRow(ctx, "SELECT position FROM sluice.streams WHERE source = $1", b.Source).Scan(&moved.Position)
		return moved
	}
	if err != nil {
		return fmt.Errorf("move the stream's position: %w", err)
	}
	return nil
}

// applyAll applies the changes in order: runs of plain row changes each in
// one pipeline, runs of one matched table's changes together (see
// applyMatched).
func applyAll(ctx context.Context, tx pgx.Tx, runID int64, changes []RowChange, rejects []StreamReject) (BatchResult, []StreamReject, error) {
	res := BatchResult{Tables: map[string]*TableCounts{}}
	for i := 0; i < len(changes); {
		j := i + 1
		for j < len(changes) && sameMatched(changes[i].Matched, changes[j].Matched) {
			j++
		}
		n, staged, err := applyRun(ctx, tx, runID, changes[i:j])
		if err != nil {
			return res, nil, err
		}
		res.merge(n)
		rejects = append(rejects, staged...)
		i = j
	}
	return res, rejects, nil
}

// applyRun applies a run of plain changes, or of one matched table's.
func applyRun(ctx context.Context, tx pgx.Tx, runID int64, run []RowChange) (BatchResult, []StreamReject, error) {
	if run[0].Matched != nil {
		return applyMatched(ctx, tx, runID, run)
	}
	res := BatchResult{Tables: map[string]*TableCounts{}}
	return res, nil, applyPipelined(ctx, tx, run, &res)
}

// sameMatched says two changes go in one run: both plain, or both of one
// matched table.
func sameMatched(a, b *MatchedTable) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Schema == b.Schema && a.Table == b.Table
}

// applyPipelined sends plain row changes in one pipeline.
func applyPipelined(ctx context.Context, tx pgx.Tx, changes []RowChange, res *BatchResult) error {
	var batch pgx.Batch
	groups := groupChanges(changes)
	for _, g := range groups {
		queueGroup(&batch, changes[g.first:g.first+g.n])
	}
	br := tx.SendBatch(ctx, &batch)
	for _, g := range groups {
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return fmt.Errorf("%s: %w", describe(&changes[g.first]), err)
		}
		for i := g.first; i < g.first+g.n; i++ {
			affected := tag.RowsAffected()
			if g.n > 1 {
				affected = 1 // a group is only inserts or upserts, one row each
			}
			res.add(&changes[i], affected)
		}
	}
	return br.Close()
}

// applyCarefully applies each change on its own savepoint, so that a change
// the target refuses becomes a reject and the others apply.
func applyCarefully(ctx context.Context, tx pgx.Tx, runID int64, changes []RowChange, rejects []StreamReject) (BatchResult, []StreamReject, error) {
	res := BatchResult{Tables: map[string]*TableCounts{}}
	for i := range changes {
		c := &changes[i]
		sp, err := tx.Begin(ctx)
		if err != nil {
			return res, nil, err
		}
		n, staged, err := applyRun(ctx, sp, runID, changes[i:i+1])
		if err == nil {
			err = sp.Commit(ctx)
		}
		if isRowError(err) {
			if rbErr := sp.Rollback(ctx); rbErr != nil {
				return res, nil, rbErr
			}
			rejects = append(rejects, refused(c, err))
			continue
		}
		if err != nil {
			return res, nil, err
		}
		res.merge(n)
		rejects = append(rejects, staged...)
	}
	return res, rejects, nil
}

func refused(c *RowChange, err error) StreamReject {
	var pgErr *pgconn.PgError
	errors.As(err, &pgErr)
	col := pgErr.ColumnName
	var raw any
	for i, name := range c.Columns {
		if name == col && i < len(c.Values) {
			raw = c.Values[i]
		}
	}
	if raw == nil && c.Op != OpDelete {
		raw = renderRow(c.Values)
	}
	return StreamReject{Reject: Reject{Key: c.RowKey, Column: col, Raw: raw, Reason: "the target refused the " + c.Op.String() + ": " + pgErr.Message},
		TableID: c.TableID, Table: c.Table, Position: c.Position}
}

// isRowError tells a row the target refuses (a value or a constraint:
// classes 22 and 23) from a failure of the batch as a whole.
func isRowError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "23"))
}

func (r *BatchResult) count(id string) *TableCounts {
	if r.Tables == nil {
		r.Tables = map[string]*TableCounts{}
	}
	c := r.Tables[id]
	if c == nil {
		c = &TableCounts{}
		r.Tables[id] = c
	}
	return c
}

// merge adds what another part of the batch did.
func (r *BatchResult) merge(o BatchResult) {
	r.Applied += o.Applied
	for id, n := range o.Tables {
		c := r.count(id)
		c.Inserted += n.Inserted
		c.Updated += n.Updated
		c.Deleted += n.Deleted
		c.Truncated += n.Truncated
	}
}

func (r *BatchResult) add(c *RowChange, affected int64) {
	n := r.count(c.TableID)
	r.Applied++
	switch c.Op {
	case OpInsert:
		n.Inserted++
	case OpUpsert, OpUpdate:
		n.Updated++
	case OpDelete:
		n.Deleted += int(affected)
	case OpTruncate:
		n.Truncated++
	}
}

func describe(c *RowChange) string {
	if c.RowKey == "" {
		return fmt.Sprintf("%s into %s.%s (position %s)", c.Op, c.Schema, c.Table, c.Position)
	}
	return fmt.Sprintf("%s of %s key %s into %s.%s (position %s)", c.Op, c.TableID, c.RowKey, c.Schema, c.Table, c.Position)
}

// insertStreamRejects stores the rejects with their source position, in the
// generation the table has now; chunk 0 marks a reject of the stream.
func insertStreamRejects(ctx context.Context, tx pgx.Tx, b *StreamBatch, rejects []StreamReject) error {
	if len(rejects) == 0 {
		return nil
	}
	var batch pgx.Batch
	for _, r := range rejects {
		text, raw := rawColumns(r.Raw)
		batch.Queue(`INSERT INTO sluice.rejects (run_id, table_id, generation, chunk_no, source, source_table,
				target_table, row_key, column_name, raw_text, raw_bytes, reason, position)
			SELECT nullif($1::bigint, 0), $2, coalesce((SELECT generation FROM sluice.tables WHERE id = $2), 0), 0,
				$3, $4, $5, $6, $7, $8, $9, $10, $11`,
			b.RunID, r.TableID, escapeText(r.Source), escapeText(r.SourceTable), r.Table, nullText(r.Key),
			nullText(r.Column), text, raw, escapeText(r.Reason), r.Position)
	}
	if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
		return fmt.Errorf("store %d rejects: %w", len(rejects), err)
	}
	return nil
}

// finishBatch adds the batch to the stream's counters and records it, the
// tables it stops and the schema changes it absorbed in the audit trail.
func finishBatch(ctx context.Context, tx pgx.Tx, b *StreamBatch, res BatchResult, rejects []StreamReject) error {
	var sourceTime any
	if !b.SourceTime.IsZero() {
		sourceTime = b.SourceTime
	}
	_, err := tx.Exec(ctx, `UPDATE sluice.streams SET batches = batches + 1, transactions = transactions + $2,
			changes = changes + $3, rejects = rejects + $4, source_time = coalesce($5, source_time),
			applied_at = now(), run_id = coalesce(nullif($6::bigint, 0), run_id)
		WHERE source = $1`, b.Source, b.Transactions, res.Applied, res.Rejected, sourceTime, b.RunID)
	if err != nil {
		return fmt.Errorf("add the batch to the stream's counts: %w", err)
	}
	if err := addTableCounts(ctx, tx, b.Source, res); err != nil {
		return err
	}
	if err := stopTables(ctx, tx, b); err != nil {
		return err
	}
	if err := noteTables(ctx, tx, b.Source, b.Ignored); err != nil {
		return err
	}
	for _, note := range b.Notes {
		if _, err := audit.Append(ctx, tx, audit.Entry{RunID: b.RunID, Operation: audit.OpStreamSchema, Details: note}); err != nil {
			return fmt.Errorf("record a schema change in the audit trail: %w", err)
		}
	}
	if res.Applied == 0 && len(rejects) == 0 && b.Transactions == 0 {
		return nil // a heartbeat's position only: nothing to account for
	}
	_, err = audit.Append(ctx, tx, audit.Entry{RunID: b.RunID, Operation: audit.OpStreamBatch, Details: batchDetails(b, res, rejects)})
	if err != nil {
		return fmt.Errorf("record the batch in the audit trail: %w", err)
	}
	return nil
}

func addTableCounts(ctx context.Context, tx pgx.Tx, source string, res BatchResult) error {
	var batch pgx.Batch
	for id, n := range res.Tables {
		changes := n.Inserted + n.Updated + n.Deleted + n.Truncated
		batch.Queue(`INSERT INTO sluice.stream_counts (source, table_id, changes, rejects, skipped) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (source, table_id) DO UPDATE SET changes = stream_counts.changes + EXCLUDED.changes,
				rejects = stream_counts.rejects + EXCLUDED.rejects, skipped = stream_counts.skipped + EXCLUDED.skipped`,
			source, id, changes, n.Rejected, n.Skipped)
	}
	if batch.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
		return fmt.Errorf("add the batch to the tables' counts: %w", err)
	}
	return nil
}

func stopTables(ctx context.Context, tx pgx.Tx, b *StreamBatch) error {
	for id, reason := range b.Stops {
		_, err := tx.Exec(ctx, `INSERT INTO sluice.stream_stops (source, table_id, position, reason) VALUES ($1, $2, $3, $4)
			ON CONFLICT (source, table_id) DO NOTHING`, b.Source, id, b.To, reason)
		if err != nil {
			return fmt.Errorf("stop the stream of %s: %w", id, err)
		}
		_, err = audit.Append(ctx, tx, audit.Entry{RunID: b.RunID, Operation: audit.OpStreamStop,
			Details: map[string]any{"source": b.Source, "table": id, "position": b.To, "reason": reason}})
		if err != nil {
			return fmt.Errorf("record the stop of %s in the audit trail: %w", id, err)
		}
	}
	return nil
}

func batchDetails(b *StreamBatch, res BatchResult, rejects []StreamReject) map[string]any {
	tables := map[string]any{}
	for id, n := range res.Tables {
		counts := map[string]any{"inserted": n.Inserted, "updated": n.Updated, "deleted": n.Deleted,
			"truncated": n.Truncated, "rejected": n.Rejected}
		if n.Skipped > 0 {
			counts["skipped"] = n.Skipped // kept current by reruns
		}
		tables[id] = counts
	}
	d := map[string]any{"source": b.Source, "from": b.From, "to": b.To, "transactions": b.Transactions,
		"changes": res.Applied, "rejected": res.Rejected, "tables": tables}
	if !b.SourceTime.IsZero() {
		// The last transaction's commit time on the source: with the entry's
		// own time, how late it was applied.
		d["source_time"] = b.SourceTime.UTC().Format(time.RFC3339Nano)
	}
	if len(rejects) > 0 {
		plain := make([]Reject, len(rejects))
		for i, r := range rejects {
			plain[i] = r.Reject
		}
		d["rejects"] = rejectDigests(plain)
	}
	return d
}
