package target

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ChunkLoad is one chunk of a source table, transformed and ready to load.
type ChunkLoad struct {
	RunID      int64  // the run loading it
	TableID    string // "<source>.<table>", the row of sluice.tables
	Generation int    // the table's current generation (see TableState)
	ChunkNo    int    // 1, 2, ... in key order; unique in the ledger per table generation

	Schema  string   // target schema
	Table   string   // target table
	Columns []string // target columns, in the order of each row's values

	// Rows holds values ready for binary COPY into Columns: each row has
	// len(Columns) values of Go types pgx encodes for the column types.
	Rows [][]any
	// KeyOf returns the legacy key text (sluice.KeyText) of row i of Rows,
	// which a reject of that row records; nil when the rows have no key. It
	// is a function so that the text is only made for the rare rejected row.
	KeyOf func(i int) string
	// Rejects lists the rows the transforms already rejected; they are stored
	// with the rows that PostgreSQL refuses.
	Rejects []Reject

	// Merge loads through a stage table into a table that may hold rows
	// already (see MergeSpec); nil copies straight into the table.
	Merge *MergeSpec
	// Identities holds each row's legacy identity (parallel to Rows) when
	// Merge.Match is set: the keys sluice.legacy_keys records.
	Identities []uuid.UUID

	AfterKey []any // exclusive lower key bound of the chunk; nil for the first
	LastKey  []any // the key of the last source row read; the next chunk starts after it
	RowsRead int   // source rows read for this chunk (a row may expand into several Rows)

	// SourceSum is the source's digest of the chunk's rows (sluice.Summary),
	// recorded so that a later generation can skip the chunk while it stays
	// the same; "" when the source cannot digest.
	SourceSum string
	// Skipped counts rows a merge knows unchanged without them being read:
	// the chunk's digest equals the one its rows were loaded with. Such a
	// chunk has no Rows; its rows count as read, loaded and unchanged.
	Skipped int
}

// Reject is a source row, or one value of it, that cannot be loaded.
type Reject struct {
	Key         string // legacy key text of the row
	Source      string // "" takes the table's source
	SourceTable string // "" takes the table's source table
	Column      string // the column at fault, "" when not known
	Raw         any    // the raw value (string and []byte keep their exact bytes)
	Reason      string
}

// ChunkResult counts what LoadChunk did with a chunk.
type ChunkResult struct {
	Loaded   int // rows now in the target table: Inserted + Updated + Unchanged
	Rejected int // rejects stored: the transforms' plus the rows PostgreSQL refused

	Inserted  int // new rows (every row, on the direct path)
	Updated   int // rows that existed and were rewritten because they changed
	Unchanged int // rows that existed as they are, and were not written
	Conflicts int // disagreements queued in sluice.conflicts, new or reopened
}

// LoadChunk loads a chunk exactly once. In one transaction it claims the
// chunk in the ledger, copies the rows (narrowing a failed COPY down to the
// rows at fault, which become rejects), stores the rejects and adds the counts
// to the table's row. A chunk already in the ledger is a *ChunkCommittedError
// and changes nothing.
func (t *Target) LoadChunk(ctx context.Context, c ChunkLoad) (ChunkResult, error) {
	if err := c.check(); err != nil {
		return ChunkResult{}, fmt.Errorf("load chunk %d of %s: %w", c.ChunkNo, c.TableID, err)
	}
	var res ChunkResult
	committed := func() (ok bool, err error) {
		res, ok, err = t.committedChunk(ctx, &c)
		return ok, err
	}
	err := t.doOnce(ctx, committed, func() error {
		return pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) (err error) {
			res, err = loadChunk(ctx, tx, &c)
			return err
		})
	})
	if err != nil {
		return ChunkResult{}, fmt.Errorf("load chunk %d of %s into %s.%s: %w", c.ChunkNo, c.TableID, c.Schema, c.Table, withCause(ctx, err))
	}
	return res, nil
}

// committedChunk reads the ledger row of c, which commits with its rows: a
// try whose connection broke before its commit was answered committed if
// the row is there. A row another run committed is a *ChunkCommittedError.
func (t *Target) committedChunk(ctx context.Context, c *ChunkLoad) (ChunkResult, bool, error) {
	var res ChunkResult
	var runID int64
	err := t.pool.QueryRow(ctx, `SELECT coalesce(run_id, 0), rows_loaded, rows_rejected,
			coalesce(rows_inserted, 0), coalesce(rows_updated, 0), coalesce(rows_unchanged, 0), coalesce(conflicts, 0)
		FROM sluice.chunks WHERE table_id = $1 AND generation = $2 AND chunk_no = $3`,
		c.TableID, c.Generation, c.ChunkNo).Scan(&runID, &res.Loaded, &res.Rejected,
		&res.Inserted, &res.Updated, &res.Unchanged, &res.Conflicts)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return res, false, nil
	case err != nil:
		return res, false, fmt.Errorf("read chunk %d of %s in the ledger: %w", c.ChunkNo, c.TableID, err)
	case runID != c.RunID:
		return res, false, &ChunkCommittedError{TableID: c.TableID, Generation: c.Generation, ChunkNo: c.ChunkNo}
	}
	return res, true, nil
}

// withCause makes a cancelled load say so: pgx interrupts a COPY by closing
// the connection, and the error it returns then is a network error.
func withCause(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w: %w", ctxErr, err)
	}
	return err
}

func (c *ChunkLoad) check() error {
	for i, row := range c.Rows {
		if len(row) != len(c.Columns) {
			return fmt.Errorf("row %d has %d values for %d columns", i+1, len(row), len(c.Columns))
		}
	}
	if c.Merge != nil {
		return c.Merge.check(c)
	}
	return nil
}

func loadChunk(ctx context.Context, tx pgx.Tx, c *ChunkLoad) (ChunkResult, error) {
	table, err := claimChunk(ctx, tx, c)
	if err != nil {
		return ChunkResult{}, err
	}
	res, loadRejects, err := loadRows(ctx, tx, c)
	if err != nil {
		return ChunkResult{}, err
	}
	rejects := append(append([]Reject(nil), c.Rejects...), loadRejects...)
	if err := insertRejects(ctx, tx, c, table, rejects); err != nil {
		return ChunkResult{}, err
	}
	res.Rejected = len(rejects)
	if err := recordCounts(ctx, tx, c, res); err != nil {
		return res, err
	}
	return res, auditChunk(ctx, tx, c, res, rejects)
}

// loadRows copies the rows straight into the table, or merges them through
// a stage; it returns the rows PostgreSQL refused.
func loadRows(ctx context.Context, tx pgx.Tx, c *ChunkLoad) (ChunkResult, []Reject, error) {
	if c.Skipped > 0 {
		return ChunkResult{Loaded: c.Skipped, Unchanged: c.Skipped}, nil, nil
	}
	if c.Merge != nil {
		return mergeChunk(ctx, tx, c)
	}
	cp := &copier{tx: tx, c: c}
	if err := cp.load(ctx, 0, len(c.Rows)); err != nil {
		return ChunkResult{}, nil, err
	}
	return ChunkResult{Loaded: cp.loaded, Inserted: cp.loaded}, cp.rejects, nil
}

// tableNames are the names of the source table that rejects record.
type tableNames struct{ source, sourceTable string }

// claimChunk inserts the ledger row first: a second process loading the same
// chunk waits on the primary key here, before copying anything, and fails
// once the first commits.
func claimChunk(ctx context.Context, tx pgx.Tx, c *ChunkLoad) (tableNames, error) {
	after, err := EncodeKey(c.AfterKey)
	if err != nil {
		return tableNames{}, fmt.Errorf("after key: %w", err)
	}
	last, err := EncodeKey(c.LastKey)
	if err != nil {
		return tableNames{}, fmt.Errorf("last key: %w", err)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO sluice.chunks (table_id, generation, chunk_no, run_id, after_key, last_key, rows_read, rows_loaded, rows_rejected, source_sum)
		VALUES ($1, $2, $3, nullif($4::bigint, 0), nullif($5, ''), nullif($6, ''), $7, 0, 0, nullif($8, ''))`,
		c.TableID, c.Generation, c.ChunkNo, c.RunID, after, last, c.RowsRead, c.SourceSum)
	if isUniqueViolation(err) {
		return tableNames{}, &ChunkCommittedError{TableID: c.TableID, Generation: c.Generation, ChunkNo: c.ChunkNo}
	}
	if err != nil {
		return tableNames{}, fmt.Errorf("claim chunk in ledger: %w", err)
	}
	return readTableNames(ctx, tx, c.TableID, c.Generation)
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

func readTableNames(ctx context.Context, tx pgx.Tx, id string, generation int) (tableNames, error) {
	var n tableNames
	err := tx.QueryRow(ctx, "SELECT source, source_table FROM sluice.tables WHERE id = $1 AND generation = $2",
		id, generation).Scan(&n.source, &n.sourceTable)
	if errors.Is(err, pgx.ErrNoRows) {
		return n, staleGeneration(id, generation)
	}
	if err != nil {
		return n, fmt.Errorf("read state of %s: %w", id, err)
	}
	return n, nil
}

// recordCounts completes the ledger row and adds the chunk to the table's
// counters, in one round trip.
func recordCounts(ctx context.Context, tx pgx.Tx, c *ChunkLoad, res ChunkResult) error {
	var b pgx.Batch
	b.Queue(`UPDATE sluice.chunks SET rows_loaded = $4, rows_rejected = $5,
			rows_inserted = $6, rows_updated = $7, rows_unchanged = $8, conflicts = $9
		WHERE table_id = $1 AND generation = $2 AND chunk_no = $3`,
		c.TableID, c.Generation, c.ChunkNo, res.Loaded, res.Rejected, res.Inserted, res.Updated, res.Unchanged, res.Conflicts)
	b.Queue(`UPDATE sluice.tables SET rows_read = rows_read + $3, rows_loaded = rows_loaded + $4,
			rows_rejected = rows_rejected + $5, rows_inserted = rows_inserted + $7,
			rows_updated = rows_updated + $8, rows_unchanged = rows_unchanged + $9, conflicts = conflicts + $10,
			chunks_done = chunks_done + 1, run_id = coalesce(nullif($6::bigint, 0), run_id), updated_at = now()
		WHERE id = $1 AND generation = $2`,
		c.TableID, c.Generation, c.RowsRead, res.Loaded, res.Rejected, c.RunID,
		res.Inserted, res.Updated, res.Unchanged, res.Conflicts)
	br := tx.SendBatch(ctx, &b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return fmt.Errorf("record chunk counts in ledger: %w", err)
	}
	tag, err := br.Exec()
	if err == nil && tag.RowsAffected() == 0 {
		err = staleGeneration(c.TableID, c.Generation)
	}
	if closeErr := br.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("add chunk counts to table state: %w", err)
	}
	return nil
}
