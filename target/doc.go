// Package target is the PostgreSQL side of a migration: it connects to the
// target database, owns the state schema `sluice` (runs, the chunk ledger,
// rejects) and loads chunks exactly once.
//
// A chunk's rows, its rejects, its ledger row and the table's counters commit
// in one transaction (LoadChunk). The ledger's primary key (table, generation,
// chunk number) makes a second commit of the same chunk impossible, so a
// rerun that reads LastChunk and continues after it loads nothing twice.
package target
