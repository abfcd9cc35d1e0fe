// Package verify proves that a migrated target holds what the plan says it
// must, at six levels, and names every difference exactly: the table, the
// row's legacy key and its key in the target, the column, and the value on
// each side.
//
//  1. counts: source rows = loaded + rejected + filtered. The source is
//     counted with and without the table's filter; loaded is the target
//     table's COUNT(*); rejected is what sluice.rejects holds for the
//     table's current generation (sluice.tables). A load not recorded as
//     done is a finding too.
//  2. primary key: no NULL and no duplicate key, scanned in SQL unless a
//     NOT NULL declaration and a valid unique index make PostgreSQL
//     guarantee it. Not applicable to a table without a primary key.
//  3. foreign keys: no orphan, for every planned foreign key, by an
//     anti-join whether or not the constraint exists or was validated.
//     References into another target database are CrossReferences': it
//     copies the distinct child values into the parent's database and
//     anti-joins them there. A constraint that exists has the planned
//     ON DELETE and ON UPDATE.
//  4. types: every planned column exists with its planned type (compared
//     as format_type spells it, so varchar(50) = character varying(50)) and
//     nullability; a column the plan does not make is a finding. The
//     planned defaults, identities and CHECK constraints exist (by presence
//     and name: PostgreSQL prints an expression back in its own words), and
//     an identity's sequence is past the column's highest value.
//  5. legacy keys (keys: uuid): every source key is in the legacy column
//     exactly once, on the row whose UUID sluice.KeyUUID gives it (for a
//     subtype table, as its root table's identity; plan.Column.Identity). Missing
//     keys, extra keys, duplicates, wrong UUIDs and changed legacy keys are
//     findings. Not applicable under keys: keep, where the key is the
//     legacy key and level 6 compares it.
//  6. content: every value of every row, through the mapping: the source is
//     read in keyset chunks exactly as migrate reads it, each row goes
//     through transform.Compile/Apply, and the target rows of the same
//     chunk are read at the same time. Each side of a chunk is hashed
//     (SHA-256 over its rows' canonical encoding, in key order; without
//     Options.OnChunk, which receives the digests, the encodings are
//     compared directly, the same test without hashing); only a chunk
//     whose sides differ is compared row by row. Rows the mapping rejects must be in
//     sluice.rejects; so must a source row the target lacks (PostgreSQL
//     refused it during the load), or it is missing.
//
// # Tables that hold more than one load's rows
//
// A table loaded with merge or append carries plan.HashColumn, the hash of
// each row's values as Sluice wrote it. Rows without a hash are the
// application's and are ignored at every level. The hash is compared like
// any value, recomputed from the source row by the mapping, which proves
// the stored hash right. Without delete_missing, a row whose source row is
// gone (deleted, filtered out or rejected since) is what the strategy keeps:
// counted in the details of levels 1, 5 and 6 ("n rows kept whose source
// row is gone"), not a finding; with delete_missing it is one. Level 1 only
// counts them when the target holds more rows than the source accounts for.
//
// A part of a merged target table (plan.Table.Merged; several planned
// tables share the target table) answers for the rows of its own source
// (the source column). Without match_on each source row has its own row,
// identified as in any keys: uuid table. With match_on a row is an entity,
// shared by the source rows with the same natural key and owned by one of
// them (its source and legacy columns): a source row that owns its row has
// every value compared, except the fill columns (which other sources may
// have given the entity) and a column whose manual conflict was resolved;
// a source row matched into another's row is checked for presence only (its
// entity row exists). Every source row of a matched part must be mapped by
// sluice.legacy_keys from its legacy identity to its entity (level 5), and
// level 1 counts those rows against the source. Conflicts are not findings.
//
// An expansion table (plan.Table.Expansion) holds 0..n rows per source row.
// Level 1 reads the source and compares, for each source row, the children
// the mapping makes with those its parent has in the target ("clinics 7
// should have 5 rows in rooms, the target holds 4"); level 6 compares the
// children by their UUIDs, and finds the children beyond them. Child rows
// have no legacy key: level 5 does not apply.
//
// A reference to a table merged on a natural key is resolved through
// sluice.legacy_keys before it is compared, as the load resolved it. A
// reference into another target database cannot be checked by level 3 (one
// query cannot join two databases); CrossReferences checks those.
//
// # Use
//
// The CLI (`sluice verify`) opens the sources and the target as `migrate`
// does (a *target.Target: verify reads its tables through its pool and its
// state schema through its read models), builds the plan, and calls
//
//	r, err := verify.All(ctx, plan, sources, tgt, verify.Options{})
//	r.WriteText(os.Stdout) // or WriteJSON (--json), WriteJUnit (--junit FILE)
//	verify.Store(ctx, tgt, runID, r)
//
// and exits non-zero when err != nil or r.Findings > 0. Findings are not
// errors: an error means a check could not run (a database unreachable, a
// query that failed), and the report then holds what was verified so far.
// `migrate` verifies each table once it is loaded with verify.Table, and
// OnChunk gives the audit trail every chunk's key range, row counts and
// digests. The table sluice.verify_results is part of the state schema
// (target.EnsureState); Store writes one row per table and level into it
// with the run and the time.
//
// # How values are compared
//
// A row is encoded as binary COPY writes a tuple: for each column a length
// (-1 for NULL) and PostgreSQL's binary form of the target column's type,
// the same bytes whether pgx encodes the transformed source value or
// PostgreSQL sends the stored one. Three types are normalized first:
// numeric (12.5 = 12.50), jsonb (keys sorted, numbers canonical) and
// character(n) (padding). A type pgx does not know is read as text. Values
// in findings are shown as PostgreSQL would print them.
//
// # How target rows are found
//
// Under keys: uuid a row is identified by its UUID, else by its key's
// value columns. When the key is a single integer (or integers), which sorts
// the same in every engine, a chunk's target rows are the key range of the
// source chunk (the first and last ranges open-ended), read in key order:
// a row the source does not have lands in some range and is reported. For
// other keys (strings sort by the engine's collation, composite keys under
// keys: uuid keep only their text) a chunk's target rows are selected by
// the identities of its source rows, with a second look by legacy key for
// rows whose UUID was changed; if the target then holds more rows than the
// chunks read, the source keys are streamed into a temporary table on one
// connection and anti-joined to name the extra rows. That temporary table
// is the only thing verify writes besides Store.
//
// A table without a usable key is compared as a multiset: each side is
// hashed row by row into an order-independent digest, and only when the
// digests differ are rows matched by digest, which holds one entry per
// distinct source row in memory (the load, too, reads such a table whole).
//
// # Cost
//
// One goroutine reads the source while Options.ChunkWorkers others
// transform, read the target and compare, so memory is bounded by
// 2 × ChunkWorkers + 1 chunks per table, whatever its size, and the source
// and the target are read concurrently. Options.Workers tables run at once.
//
// Not yet done: transient source errors are not retried (migrate's retry
// is unexported).
package verify
