package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
)

// Schema creates the audit table in the state schema `sluice`, which must
// exist. It is idempotent; the target package runs it as a state schema
// migration step. Nothing in it enforces the chain: Verify does, so that a
// hand-edited row is found rather than refused.
const Schema = `CREATE TABLE IF NOT EXISTS sluice.audit (
	seq bigint PRIMARY KEY,
	at timestamptz NOT NULL,
	os_user text NOT NULL,
	host text NOT NULL,
	run_id bigint NOT NULL,
	operation text NOT NULL,
	details jsonb NOT NULL,
	prev_hash text NOT NULL,
	hash text NOT NULL,
	signature text
);
CREATE INDEX IF NOT EXISTS audit_run_idx ON sluice.audit (run_id, seq);`

// appendLockKey is the transaction advisory lock that serialises appenders
// ("sluiceau"): the next entry's seq and PrevHash come from the last
// committed entry, so two appenders must not read it at the same time.
const appendLockKey int64 = 0x736c756963656175

// Append adds e to the audit trail inside tx, so that it commits or rolls
// back with the work it records: a rolled-back transaction leaves neither an
// entry nor a gap. It fills Seq, At (now, if zero), OSUser and Host (Who, if
// both are empty), PrevHash and Hash, scrubs Details (see Scrub) and returns
// the entry as stored, equal to what Read returns for it.
//
// Append holds a transaction-level lock until tx ends, and every other
// appender waits for it: append last, just before Commit. tx must be READ
// COMMITTED (PostgreSQL's default); in a REPEATABLE READ transaction that
// has already read, Append may see a stale head and fail on seq's key.
func Append(ctx context.Context, tx pgx.Tx, e Entry) (Entry, error) {
	e, err := prepare(e)
	if err != nil {
		return Entry{}, err
	}
	if e.Seq, e.PrevHash, err = lockHead(ctx, tx); err != nil {
		return Entry{}, fmt.Errorf("append %s to the audit trail: %w", e.Operation, err)
	}
	canonical, err := Canonical(e)
	if err != nil {
		return Entry{}, fmt.Errorf("append %s to the audit trail: %w", e.Operation, err)
	}
	e.Hash = chainHash(e.PrevHash, canonical)
	if err := insert(ctx, tx, e); err != nil {
		return Entry{}, fmt.Errorf("append %s as audit entry %d: %w", e.Operation, e.Seq, err)
	}
	return e, nil
}

// prepare fills and cleans what the caller gives, before any I/O.
func prepare(e Entry) (Entry, error) {
	if e.Operation == "" {
		return Entry{}, errors.New("append to the audit trail: the entry has no operation")
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = normalTime(e.At)
	if e.OSUser == "" && e.Host == "" {
		e.OSUser, e.Host = Who()
	}
	e.OSUser = cleanString(sluice.RedactURL(e.OSUser))
	e.Host = cleanString(sluice.RedactURL(e.Host))
	e.Operation = cleanString(sluice.RedactURL(e.Operation))
	details, err := Scrub(e.Details)
	if err != nil {
		return Entry{}, fmt.Errorf("append %s to the audit trail: %w", e.Operation, err)
	}
	e.Details, e.Signature = details, ""
	return e, nil
}

// lockHead takes the append lock and reads the last entry, in one round trip:
// the SELECT runs after the lock is granted, with a snapshot taken then, so
// it sees the entry of the appender that held the lock before.
func lockHead(ctx context.Context, tx pgx.Tx) (seq int64, prev string, err error) {
	batch := &pgx.Batch{}
	batch.Queue("SELECT pg_advisory_xact_lock($1)", appendLockKey)
	batch.Queue("SELECT seq, hash FROM sluice.audit ORDER BY seq DESC LIMIT 1")
	results := tx.SendBatch(ctx, batch)
	defer results.Close()
	if _, err := results.Exec(); err != nil {
		return 0, "", fmt.Errorf("lock the audit trail: %w", err)
	}
	err = results.QueryRow().Scan(&seq, &prev)
	if errors.Is(err, pgx.ErrNoRows) {
		return 1, GenesisHash, results.Close()
	}
	if err != nil {
		return 0, "", fmt.Errorf("read the last audit entry: %w", err)
	}
	return seq + 1, prev, results.Close()
}

func insert(ctx context.Context, tx pgx.Tx, e Entry) error {
	details, err := appendCanonical(nil, e.Details)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO sluice.audit
		(seq, at, os_user, host, run_id, operation, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9)`,
		e.Seq, e.At, e.OSUser, e.Host, e.RunID, e.Operation, string(details), e.PrevHash, e.Hash)
	return err
}
