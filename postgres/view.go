package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
)

// View opens a read-only view of the source's tables as of one moment,
// without a replication slot: a transaction exports its snapshot and every
// read of the view imports it, so that a table's rows and its counts agree
// while the source takes writes (sync's reruns of the tables it does not
// stream). Unlike a capture's Snapshot it does not wait for the
// transactions running on the source, and takes no slot. Close ends it.
func (s *Source) View(ctx context.Context) (sluice.Source, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, classify(fmt.Errorf("open a view of %s: %w", s.name, err))
	}
	held := conn.Hijack() // keeps the exporting transaction, outside the pool
	var name string
	_, err = held.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
	if err == nil {
		err = held.QueryRow(ctx, "SELECT pg_export_snapshot()").Scan(&name)
	}
	if err == nil {
		var reader *Source
		if reader, err = s.snapshotReader(ctx, name); err == nil {
			return &view{Source: reader, held: held}, nil
		}
	}
	_ = held.Close(context.Background())
	return nil, classify(fmt.Errorf("open a view of %s: %w", s.name, err))
}

// view reads through its own Source, inside the exported snapshot, which
// lives as long as held's transaction.
type view struct {
	sluice.Source
	held *pgx.Conn
}

func (v *view) Close() error {
	err := v.Source.Close()
	return errors.Join(err, v.held.Close(context.Background()))
}
