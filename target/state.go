package target

import (
	"context"
	"errors"
	"fmt"
	"github.com/sluicedb/sluice/audit"

	"github.com/jackc/pgx/v5"
)

// stateLockKey serialises EnsureState across processes: CREATE ... IF NOT
// EXISTS is not safe against a concurrent creator of the same object.
const stateLockKey = 0x736c75696365 // "sluice"

// migrations[i] upgrades the state schema from version i to version i+1.
// Released steps are never edited: a change is a new step.
var migrations = []string{
	`CREATE TABLE sluice.runs (
		run_id bigserial PRIMARY KEY,
		command text NOT NULL,
		started_at timestamptz NOT NULL DEFAULT now(),
		finished_at timestamptz,
		status text NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted', 'rejected', 'invalid')),
		message text,
		config_hash text,
		host text,
		os_user text,
		pid int,
		sluice_version text
	);
	CREATE TABLE sluice.tables (
		id text PRIMARY KEY,
		source text NOT NULL,
		source_table text NOT NULL,
		target_schema text NOT NULL,
		target_table text NOT NULL,
		generation int NOT NULL,
		state text NOT NULL CHECK (state IN ('pending', 'loading', 'loaded', 'indexed', 'done', 'failed')),
		strategy text,
		rows_source bigint,
		rows_filtered bigint NOT NULL DEFAULT 0,
		rows_read bigint NOT NULL DEFAULT 0,
		rows_loaded bigint NOT NULL DEFAULT 0,
		rows_rejected bigint NOT NULL DEFAULT 0,
		chunks_done int NOT NULL DEFAULT 0,
		chunks_estimated int,
		rows_estimated bigint,
		run_id bigint,
		started_at timestamptz NOT NULL DEFAULT now(),
		updated_at timestamptz NOT NULL DEFAULT now(),
		finished_at timestamptz,
		message text
	);
	CREATE TABLE sluice.chunks (
		table_id text NOT NULL,
		generation int NOT NULL,
		chunk_no int NOT NULL,
		run_id bigint,
		after_key text,
		last_key text,
		rows_read int NOT NULL,
		rows_loaded int NOT NULL,
		rows_rejected int NOT NULL,
		committed_at timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (table_id, generation, chunk_no)
	);
	CREATE TABLE sluice.rejects (
		reject_id bigserial PRIMARY KEY,
		run_id bigint,
		table_id text NOT NULL,
		generation int NOT NULL,
		chunk_no int NOT NULL,
		source text,
		source_table text,
		target_table text,
		row_key text,
		column_name text,
		raw_text text,
		raw_bytes bytea,
		reason text NOT NULL,
		rejected_at timestamptz NOT NULL DEFAULT now()
	);
	CREATE INDEX rejects_run_idx ON sluice.rejects (run_id);
	CREATE INDEX rejects_table_idx ON sluice.rejects (table_id, generation);`,
	// 2: the mapping a generation was loaded with, so that a rerun after a
	// config change reloads the table instead of mixing two mappings in it.
	`ALTER TABLE sluice.tables ADD COLUMN plan_hash text;`,
	// 3: the tamper-evident audit trail.
	audit.Schema,
	// 4: what sluice verify found, per run, table and level.
	`CREATE TABLE sluice.verify_results (
	verify_id bigserial PRIMARY KEY,
	run_id bigint,
	table_id text NOT NULL,
	level int NOT NULL CHECK (level BETWEEN 1 AND 6),
	status text NOT NULL,
	findings int NOT NULL,
	details jsonb NOT NULL,
	at timestamptz NOT NULL DEFAULT now()
);
	CREATE INDEX verify_results_run_idx ON sluice.verify_results (run_id);`,
	// 5: merging into tables that hold rows: the legacy keys matched to each
	// entity, the disagreements queued for a person, the keys a generation
	// saw (for delete_missing; unlogged: rebuilt by every generation, and
	// checked against the ledger before use; no index: it is read whole, and
	// an index would double the cost of every chunk's insert) and what each
	// chunk did.
	`CREATE TABLE sluice.legacy_keys (
	legacy_uuid uuid PRIMARY KEY,
	table_id text NOT NULL,
	target_schema text NOT NULL,
	target_table text NOT NULL,
	source text NOT NULL,
	legacy_key text NOT NULL,
	entity uuid NOT NULL
);
	CREATE INDEX legacy_keys_entity_idx ON sluice.legacy_keys (entity);
	CREATE INDEX legacy_keys_table_idx ON sluice.legacy_keys (table_id);
	CREATE TABLE sluice.conflicts (
	conflict_id bigserial PRIMARY KEY,
	target_schema text NOT NULL,
	target_table text NOT NULL,
	entity_column text NOT NULL,
	entity uuid NOT NULL,
	column_name text NOT NULL,
	owner_source text NOT NULL,
	owner_key text NOT NULL,
	owner_value text,
	other_source text NOT NULL,
	other_key text NOT NULL,
	other_value text,
	status text NOT NULL CHECK (status IN ('open', 'resolved')),
	resolution text CHECK (resolution IN ('owner', 'other', 'value')),
	resolved_value text,
	resolved_by text,
	run_id bigint,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	resolved_at timestamptz,
	UNIQUE (target_schema, target_table, entity, column_name, other_source, other_key)
);
	CREATE INDEX conflicts_status_idx ON sluice.conflicts (status, target_table);
	CREATE UNLOGGED TABLE sluice.seen (
	table_id text NOT NULL,
	generation int NOT NULL,
	key text NOT NULL
);
	ALTER TABLE sluice.chunks ADD COLUMN rows_inserted int NOT NULL DEFAULT 0,
	ADD COLUMN rows_updated int NOT NULL DEFAULT 0,
	ADD COLUMN rows_unchanged int NOT NULL DEFAULT 0,
	ADD COLUMN conflicts int NOT NULL DEFAULT 0;
	UPDATE sluice.chunks SET rows_inserted = rows_loaded;
	ALTER TABLE sluice.tables ADD COLUMN rows_inserted bigint NOT NULL DEFAULT 0,
	ADD COLUMN rows_updated bigint NOT NULL DEFAULT 0,
	ADD COLUMN rows_unchanged bigint NOT NULL DEFAULT 0,
	ADD COLUMN rows_deleted bigint NOT NULL DEFAULT 0,
	ADD COLUMN conflicts bigint NOT NULL DEFAULT 0,
	ADD COLUMN missing_deleted_at timestamptz;
	UPDATE sluice.tables SET rows_inserted = rows_loaded;`,
	// v6: the source's digest of each chunk's rows, so that a rerun can skip
	// a chunk whose rows did not change.
	`ALTER TABLE sluice.chunks ADD COLUMN source_sum text;`,
	// v7: the indexes and views that could not be created, with the reason;
	// a row goes when a later run creates the object.
	`CREATE TABLE sluice.object_failures (
	target_schema text NOT NULL,
	kind text NOT NULL CHECK (kind IN ('index', 'view')),
	name text NOT NULL,
	table_id text,
	statement text NOT NULL,
	reason text NOT NULL,
	run_id bigint,
	failed_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (target_schema, kind, name)
);`,
	// v8: a table the config no longer has (its mapping was renamed or
	// removed) is retired by the next migrate, so status stops showing it
	// as current; its row and ledger stay for the record.
	`ALTER TABLE sluice.tables ADD COLUMN retired_at timestamptz;`,
	// v9: live sync. Each source's change stream has a row: the position
	// applied, committed in the same transaction as the rows it produced;
	// a table whose stream stopped (a schema change the mapping cannot
	// absorb) has a row in stream_stops; stream_starts holds the position
	// each source table was copied at (MariaDB copies each table in a
	// snapshot of its own, so the stream applies to a table only after its
	// own position); stream_counts adds up the changes applied per table;
	// the sync records what the source says of its log now and then
	// (head_position, behind_bytes, retained_bytes), for status and
	// /metrics, which read only the target; a reject made by the stream
	// records the source position of its transaction.
	`CREATE TABLE sluice.streams (
	source text PRIMARY KEY,
	capture text NOT NULL,
	position text NOT NULL,
	start_position text NOT NULL,
	state text NOT NULL CHECK (state IN ('copying', 'streaming', 'caught up', 'stopped', 'failed')),
	message text,
	run_id bigint,
	batches bigint NOT NULL DEFAULT 0,
	transactions bigint NOT NULL DEFAULT 0,
	changes bigint NOT NULL DEFAULT 0,
	rejects bigint NOT NULL DEFAULT 0,
	source_time timestamptz,
	started_at timestamptz NOT NULL DEFAULT now(),
	applied_at timestamptz NOT NULL DEFAULT now(),
	head_position text,
	behind_bytes bigint,
	retained_bytes bigint,
	checked_at timestamptz
);
	CREATE TABLE sluice.stream_counts (
	source text NOT NULL,
	table_id text NOT NULL,
	changes bigint NOT NULL DEFAULT 0,
	rejects bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (source, table_id)
);
	CREATE TABLE sluice.stream_stops (
	source text NOT NULL,
	table_id text NOT NULL,
	position text NOT NULL,
	reason text NOT NULL,
	stopped_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (source, table_id)
);
	CREATE TABLE sluice.stream_starts (
	source text NOT NULL,
	source_table text NOT NULL,
	position text NOT NULL,
	PRIMARY KEY (source, source_table)
);
	ALTER TABLE sluice.rejects ADD COLUMN position text;`,
	// v10: the write freezes of sources (freezes.go).
	freezesSchema,
	// v11: the transactions that wrote source-generated keys back into
	// target rows, which the reverse stream skips (writebacks.go).
	writebacksSchema,
	// v12: cutovers, their phase and the authoritative side (cutover.go).
	cutoversSchema,
	// v13: the target tables Sluice created, which rollback --drop-target
	// drops (created.go). Tables created before v13 are not recorded:
	// drop-target leaves them, and says so.
	createdSchema,
	// v14: the tables sync keeps current by reruns, and the changes their
	// streams carried and did not apply; notes on streamed tables (reruns.go).
	rerunsSchema,
	// v15: a matched row's values as loaded (column -> text), from which a
	// live sync rebuilds its entity when another of its rows changes.
	`ALTER TABLE sluice.legacy_keys ADD COLUMN row_values jsonb;`,
}

// SchemaVersion is the state schema version this package creates.
var SchemaVersion = len(migrations)

// EnsureState creates the state schema, or upgrades it to SchemaVersion. It is
// idempotent and safe to run from several processes at once.
func (t *Target) EnsureState(ctx context.Context) error {
	err := t.do(ctx, func() error {
		return pgx.BeginFunc(ctx, t.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(stateLockKey)); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
			version, err := stateVersion(ctx, tx)
			if err != nil {
				return err
			}
			return upgrade(ctx, tx, version)
		})
	})
	if err != nil {
		return fmt.Errorf("ensure state schema sluice on %s: %w", t.where, err)
	}
	return nil
}

// stateVersion creates the schema and its meta table when missing and returns
// the stored version, 0 for a new schema.
func stateVersion(ctx context.Context, tx pgx.Tx) (int, error) {
	_, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS sluice;
		CREATE TABLE IF NOT EXISTS sluice.meta (
			singleton bool PRIMARY KEY DEFAULT true CHECK (singleton),
			schema_version int NOT NULL)`)
	if err != nil {
		return 0, fmt.Errorf("create schema: %w", err)
	}
	var version int
	err = tx.QueryRow(ctx, "SELECT schema_version FROM sluice.meta").Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read version: %w", err)
	}
	return version, nil
}

func upgrade(ctx context.Context, tx pgx.Tx, version int) error {
	if version > SchemaVersion {
		return fmt.Errorf("state schema version %d is newer than this sluice knows (%d): upgrade sluice", version, SchemaVersion)
	}
	for v := version; v < SchemaVersion; v++ {
		if _, err := tx.Exec(ctx, migrations[v]); err != nil {
			return fmt.Errorf("upgrade to version %d: %w", v+1, err)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO sluice.meta (schema_version) VALUES ($1)
		ON CONFLICT (singleton) DO UPDATE SET schema_version = EXCLUDED.schema_version`, SchemaVersion)
	if err != nil {
		return fmt.Errorf("record version %d: %w", SchemaVersion, err)
	}
	return nil
}
