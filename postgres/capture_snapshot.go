package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sluicedb/sluice"
)

// Snapshot prepares capture and opens a snapshot at the stream's start.
//
// The first time (no slot of spec's name yet) it sets REPLICA IDENTITY
// FULL on keyless tables when spec consents, creates or completes the
// publication, and creates the replication slot with an exported snapshot:
// the snapshot is at the slot's consistent point, where the stream starts.
// Once the slot exists, a new Snapshot (to copy a table again) comes from a
// temporary slot made only for it, at a later point the slot's stream
// reaches as well.
//
// The exported snapshot lives as long as the replication connection that
// made it stays idle: it is kept open, unused, until Close. Every read
// connection imports it (SET TRANSACTION SNAPSHOT) in a read-only
// repeatable-read transaction, and is closed after its one query, never
// returned to a pool outside the snapshot; so reads may run in parallel.
func (s *Source) Snapshot(ctx context.Context, spec sluice.CaptureSpec) (sluice.Snapshot, error) {
	what := fmt.Sprintf("snapshot %s for capture %q", s.name, spec.Name)
	if err := s.preparePublication(ctx, spec); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	repl, slot, err := s.exportSnapshot(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	consistent, err := pglogrepl.ParseLSN(slot.ConsistentPoint)
	if err != nil {
		repl.Close(context.Background())
		return nil, fmt.Errorf("%s: consistent point %q: %w", what, slot.ConsistentPoint, err)
	}
	reader, err := s.snapshotReader(ctx, slot.SnapshotName)
	if err != nil {
		repl.Close(context.Background())
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &snapshot{Source: reader, repl: repl, pos: LSN(consistent)}, nil
}

// preparePublication checks spec, sets the consented replica identities
// and makes the publication hold spec's tables.
func (s *Source) preparePublication(ctx context.Context, spec sluice.CaptureSpec) error {
	problems, err := s.CheckCapture(ctx, spec)
	if err != nil {
		return err
	}
	if err := problemsError("capture is not possible", problems); err != nil {
		return err
	}
	conn, err := s.adminConn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	ids, err := s.tableIdentities(ctx, spec.Tables)
	if err != nil {
		return classify(fmt.Errorf("read replica identities: %w", err))
	}
	for _, t := range keylessTables(ids) { // only reached with consent: CheckCapture refuses otherwise
		if _, err := conn.Exec(ctx, "ALTER TABLE "+QualifiedName(s.schema, t)+" REPLICA IDENTITY FULL"); err != nil {
			return classify(fmt.Errorf("set REPLICA IDENTITY FULL on %s: %w", t, err))
		}
	}
	return s.ensurePublication(ctx, conn, captureName(spec), spec.Tables)
}

// ensurePublication creates the publication with tables, or adds those of
// tables it lacks.
func (s *Source) ensurePublication(ctx context.Context, conn *pgx.Conn, pub string, tables []string) error {
	var exists bool
	var have []string
	q := `SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1),
		coalesce((SELECT array_agg(tablename::text) FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2), '{}')`
	if err := conn.QueryRow(ctx, q, pub, s.schema).Scan(&exists, &have); err != nil {
		return classify(fmt.Errorf("read publication %s: %w", pub, err))
	}
	var missing []string
	for _, t := range tables {
		if !contains(have, t) {
			missing = append(missing, QualifiedName(s.schema, t))
		}
	}
	if len(missing) == 0 && exists {
		return nil
	}
	stmt := "CREATE PUBLICATION " + QuoteIdent(pub)
	switch {
	case exists:
		stmt = "ALTER PUBLICATION " + QuoteIdent(pub) + " ADD TABLE " + strings.Join(missing, ", ")
	case len(missing) > 0:
		stmt += " FOR TABLE " + strings.Join(missing, ", ")
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return classify(fmt.Errorf("publish %s: %w", strings.Join(missing, ", "), err))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// exportSnapshot creates the capture's slot, or a temporary one when it
// exists, with an exported snapshot, on a new replication connection.
func (s *Source) exportSnapshot(ctx context.Context, spec sluice.CaptureSpec) (*pgconn.PgConn, pglogrepl.CreateReplicationSlotResult, error) {
	var none pglogrepl.CreateReplicationSlotResult
	name := captureName(spec)
	exists, err := s.HasCapture(ctx, spec)
	if err != nil {
		return nil, none, err
	}
	repl, err := s.replicationConn(ctx)
	if err != nil {
		return nil, none, err
	}
	opts := pglogrepl.CreateReplicationSlotOptions{Mode: pglogrepl.LogicalReplication, SnapshotAction: "EXPORT_SNAPSHOT"}
	slot := name
	if exists {
		slot, opts.Temporary = temporarySlotName(name), true
	}
	res, err := pglogrepl.CreateReplicationSlot(ctx, repl, slot, "pgoutput", opts)
	if err != nil {
		repl.Close(context.Background())
		return nil, none, classify(fmt.Errorf("create replication slot %s: %w", slot, err))
	}
	return repl, res, nil
}

// temporarySlotName is the slot's name with a random suffix, cut to fit 63 bytes.
func temporarySlotName(slot string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	suffix := "_t" + hex.EncodeToString(b)
	if len(slot)+len(suffix) > 63 {
		slot = slot[:63-len(suffix)]
	}
	return slot + suffix
}

// snapshotReader is a Source like s whose every query runs in a new
// connection that imported the snapshot.
func (s *Source) snapshotReader(ctx context.Context, snapshotName string) (*Source, error) {
	cfg := s.pool.Config()
	cfg.MinConns = 0
	prepare := cfg.AfterConnect // the source's own session set-up first
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		if prepare != nil {
			if err := prepare(ctx, c); err != nil {
				return err
			}
		}
		_, err := c.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '"+snapshotName+"'")
		return err
	}
	// A connection leaves the snapshot when its transaction ends; pgxpool
	// closes a connection released inside a transaction, and this refuses
	// one that is not in it any more, so no query ever runs outside.
	cfg.PrepareConn = func(_ context.Context, c *pgx.Conn) (bool, error) {
		return c.PgConn().TxStatus() == 'T', nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, classify(fmt.Errorf("open the snapshot's connections: %w", err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, classify(fmt.Errorf("import snapshot %s: %w", snapshotName, err))
	}
	return &Source{name: s.name, schema: s.schema, pool: pool, enc: s.enc, types: map[string]map[string]sluice.Type{}, partitioned: map[string]bool{}}, nil
}

// snapshot reads through its own Source, inside the exported snapshot. It
// is not a Summarizer: a summary runs its own transaction.
type snapshot struct {
	sluice.Source
	repl *pgconn.PgConn
	pos  LSN
}

func (s *snapshot) Position() sluice.Position { return s.pos }

// Close ends the reads, then the exporting connection (and with it a
// temporary slot); the capture's own slot stays for the stream.
func (s *snapshot) Close() error {
	err := s.Source.Close()
	return errors.Join(err, s.repl.Close(context.Background()))
}
