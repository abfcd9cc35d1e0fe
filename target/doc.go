// Package target is the PostgreSQL side of a migration: it connects to the
// target database, owns the state schema `sluice` (runs, the chunk ledger,
// rejects, legacy keys, conflicts) and loads chunks exactly once.
//
// Every statement on the state schema is here (package audit keeps those on
// sluice.audit, and is called from here): the run lifecycle (BeginSession,
// Session.End), the commits, and the typed read models that status, serve,
// metrics, verify and trace read the state with. TestStateSchemaHasOneOwner
// keeps it so.
//
// A chunk's rows, its rejects, its ledger row and the table's counters commit
// in one transaction (LoadChunk). The ledger's primary key (table, generation,
// chunk number) makes a second commit of the same chunk impossible, so a
// rerun that reads LastChunk and continues after it loads nothing twice.
//
// A chunk is copied straight into its table, or (ChunkLoad.Merge) into a
// temporary stage first and merged from there: new keys are inserted,
// changed rows (by their row hash) rewritten and unchanged rows not touched,
// and the rows of a table merged on a natural key compete for their entity
// (MatchSpec). Rows refused on either path are narrowed down and rejected.
package target
