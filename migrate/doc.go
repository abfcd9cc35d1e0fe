// Package migrate runs a planned migration: it reads each source table in
// keyset chunks, transforms the rows, loads each chunk with its ledger row in
// one target transaction, and checks that every source row is accounted for.
//
// It is the only package that drives sources and the target together. It
// holds no state of its own: everything needed to resume, report or verify
// lives in the target's sluice schema, so any process can pick a run up.
package migrate
