package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sluicedb/sluice"
)

// CaptureStatus reads the server's WAL end and the slot: the position it
// confirmed and the WAL it keeps for it (from its restart_lsn). The end is
// the insert position: with synchronous_commit off, a transaction is
// committed before its commit record is written, so the write position
// (pg_current_wal_lsn) can be before transactions already committed.
func (s *Source) CaptureStatus(ctx context.Context, spec sluice.CaptureSpec, applied sluice.Position) (sluice.CaptureStatus, error) {
	slot := captureName(spec)
	var head, confirmed, retained int64
	const q = `SELECT pg_current_wal_insert_lsn() - '0/0', coalesce(s.confirmed_flush_lsn - '0/0', 0),
		coalesce(pg_current_wal_insert_lsn() - s.restart_lsn, 0)
		FROM pg_replication_slots s WHERE s.slot_name = $1`
	if err := s.pool.QueryRow(ctx, q, slot).Scan(&head, &confirmed, &retained); err != nil {
		return sluice.CaptureStatus{}, classify(fmt.Errorf("read the status of slot %s on %s: %w", slot, s.name, err))
	}
	from := LSN(confirmed)
	if applied != nil {
		l, ok := applied.(LSN)
		if !ok {
			return sluice.CaptureStatus{}, fmt.Errorf("capture status of %s: position %v is not an LSN", s.name, applied)
		}
		from = l
	}
	behind := head - int64(from)
	if behind < 0 {
		behind = 0
	}
	return sluice.CaptureStatus{Head: LSN(head), Confirmed: LSN(confirmed), BehindBytes: behind, RetainedBytes: retained}, nil
}

// HasCapture reports whether the capture's slot exists.
func (s *Source) HasCapture(ctx context.Context, spec sluice.CaptureSpec) (bool, error) {
	name := captureName(spec)
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)", name).Scan(&exists); err != nil {
		return false, classify(fmt.Errorf("look for slot %s on %s: %w", name, s.name, err))
	}
	return exists, nil
}

// DropCapture drops the slot (once no stream uses it) and the publication.
func (s *Source) DropCapture(ctx context.Context, spec sluice.CaptureSpec) error {
	if err := checkSlotName(spec); err != nil {
		return fmt.Errorf("drop capture on %s: %w", s.name, err)
	}
	name := captureName(spec)
	conn, err := s.adminConn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if err := dropSlot(ctx, conn, name); err != nil {
		return classify(fmt.Errorf("drop replication slot %s on %s: %w", name, s.name, err))
	}
	if _, err := conn.Exec(ctx, "DROP PUBLICATION IF EXISTS "+QuoteIdent(name)); err != nil {
		return classify(fmt.Errorf("drop publication %s on %s: %w", name, s.name, err))
	}
	return nil
}

// slotReleaseWait bounds how long dropSlot waits for the slot's stream to
// end: the server ends its WAL sender a moment after the client closed the
// connection (longer on a loaded server), and until then the slot is
// active and cannot be dropped.
const slotReleaseWait = 30 * time.Second

// dropSlot drops the slot, if it exists, once no stream uses it.
func dropSlot(ctx context.Context, conn *pgx.Conn, name string) error {
	const drop = `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`
	deadline := time.Now().Add(slotReleaseWait)
	for {
		_, err := conn.Exec(ctx, drop, name)
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
