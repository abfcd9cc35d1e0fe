// Package retry is the one retry policy of Sluice: every read and write that
// a dropped connection, a restarted server or a lost race can fail is run
// through Do, which waits longer after each transient failure and, when the
// attempts run out, says which database could not be reached and why
// (*sluice.UnreachableError, exit code 3).
//
// What is retried must be safe to run again: a read, an idempotent statement,
// or a transaction whose caller first finds out whether the attempt before
// committed (the ledger row of a chunk, the audit entry of an operation).
package retry
