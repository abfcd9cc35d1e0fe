// Package audit keeps Sluice's tamper-evident audit trail: the table
// sluice.audit in the target, one entry per operation, each chained to the
// one before by a SHA-256 hash, the head of each command optionally signed
// with ed25519 and anchored with a Witness that the target's administrators
// cannot rewrite, so that the trail's end can be proven too.
//
// # Use
//
// The target package runs Schema as a state schema migration step (after
// the schema sluice exists). Then:
//
//   - Append(ctx, tx, Entry{RunID: run, Operation: OpChunkCommit, Details: ...})
//     inside the transaction of the work it records, as its last statement
//     before Commit: the entry commits with the work or not at all, and the
//     append lock it takes is held until the transaction ends. For a chunk,
//     that is target.LoadChunk's transaction; for run.start, table.plan,
//     run.end and the like, a transaction of its own (pgx.BeginFunc).
//   - A command that writes entries opens a Seal (OpenSeal, with a Witness
//     and a signing key, either optional). Seal.Check, in the transaction of
//     its first entry, refuses to extend a trail that no longer holds the
//     last head the witness anchored for it. Seal.SignRun (or SignEntry for
//     an entry outside any run), right after its last Append in the same
//     transaction, signs its head. Seal.Anchor, once that transaction has
//     committed durably, appends the head to the witness.
//   - `sluice audit verify`: Verify(ctx, q, Options{...}) with the public key
//     (LoadPublicKey), the anchor's heads, the database's identity (Identify)
//     and sluice.runs, print Report.String, exit non-zero unless Report.OK.
//     With a file: VerifyLines(file, Options{...}), same report.
//   - `sluice audit export`: Export(ctx, pool, w).
//   - Who() gives the OS user and host; Append fills them when both are empty.
//
// Details are free-form JSON values. What Sluice records: for run.start the
// command, config hash, version and pid; for table.plan a table's rules; for
// chunk.commit the table, generation, chunk number, key range, row counts
// and content hash; for reject the table, legacy key, column, reason and the
// SHA-256 of the raw value; verify results; reruns. Never a secret and never
// a source value: a healthcare trail must not become a copy of the records.
// Append scrubs every string with sluice.RedactURL (see Scrub) as a last
// line of defence.
//
// # Canonical encoding and hash
//
// An entry's hash is the lower-case hex SHA-256 of the 64 ASCII characters of
// the previous entry's hash (64 "0" for the first entry, seq 1) followed by
// the entry's canonical encoding, a JSON object of seven members:
//
//	{"at":"2024-03-01T09:30:00.123456Z","details":{...},"host":"db1","operation":"chunk.commit","os_user":"alice","run_id":7,"seq":42}
//
// The encoding, precisely:
//   - UTF-8, no whitespace between tokens.
//   - Object members sorted by key, comparing the keys' UTF-8 bytes (which is
//     Unicode code point order), at every depth, details included.
//   - Strings: `"` and `\` are escaped with a backslash; U+0008, U+0009,
//     U+000A, U+000C, U+000D as \b \t \n \f \r; the other characters below
//     U+0020 as \u00xx with lower-case hex; every other character, non-ASCII
//     included, as its literal UTF-8 bytes (no \u escapes, "/" and "<" not
//     escaped). This is what Python's json.dumps(ensure_ascii=False) writes.
//     Strings hold no U+0000 and no invalid UTF-8 (PostgreSQL stores neither):
//     Append replaces both with U+FFFD before hashing.
//   - Numbers: plain decimal notation, the shortest for the value: an
//     optional "-", the integer part without leading zeros ("0" if it is
//     zero), and, if the value is not an integer, "." and the fraction
//     without trailing zeros. No exponent, no "+", no "-0": 1.50 is "1.5",
//     1e3 is "1000", 1.5e-3 is "0.0015", -0.0 is "0". Integers keep every
//     digit (18446744073709551615 stays as it is). The form depends only on
//     the value, so jsonb (which keeps "1.50" and writes "1e3" as "1000")
//     reads back to the same bytes. Numbers beyond ±1e1000 are refused.
//   - true, false, null.
//   - at: the time in UTC as YYYY-MM-DDTHH:MM:SS.ffffffZ, always six
//     fraction digits: PostgreSQL's timestamptz keeps microseconds, and Append
//     truncates to them before hashing.
//   - seq and run_id: integers, as numbers above; run_id is 0 for an entry
//     outside any run.
//
// prev_hash, hash and signature are not part of the encoding; prev_hash
// enters the hash as its prefix.
//
// # Signatures
//
// The head of a run is its entry with the highest seq; an entry outside any
// run (run_id 0, a conflict resolution) is its own head. A head's signature
// is the ed25519 signature of HeadMessage, one line of ASCII text naming its
// seq, the number of distinct runs (run_id > 0) among the entries 1..seq, and
// its hash:
//
//	sluice-audit-head:2 seq=42 runs=3 hash=<the head's 64 hex digits>
//
// It is stored base64 (standard alphabet, padded) in the entry's signature
// column. Heads signed before seq and runs were part of the message carry a
// signature of "sluice-audit-head:" followed by the hash; Verify accepts
// those too, as the hash covers seq and every entry before it. An auditor
// can check one with OpenSSL:
//
//	printf 'sluice-audit-head:2 seq=%s runs=%s hash=%s' "$seq" "$runs" "$hash" > msg
//	echo "$signature" | base64 -d > sig
//	openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in msg -sigfile sig
//
// # Anchors
//
// A hash chain stored only next to the data it protects cannot prove its own
// end: whoever may write sluice.audit can delete its last entries, or all of
// them, and what remains is a valid chain. So each command that writes
// entries also hands its head to a Witness, which keeps it where the target's
// administrators cannot rewrite it. File, the first witness, appends one line
// per head to a file that is only ever opened with O_APPEND and synced after
// each line: canonical JSON (as above) of eight members,
//
//	{"at":"2026-03-01T09:30:00.123456Z","database":"7716337510682740896/platform","hash":"<64 hex>","run":7,"runs":3,"seq":42,"signature":"<base64>","trail":"<64 hex>"}
//
// where database is the target database as Identify names it (the cluster's
// system identifier and the database's name), trail the hash of the trail's
// first entry (which names the trail wherever it is restored), run the head
// entry's run (0 outside any run), at when it was anchored, and signature,
// "" without a key, the ed25519 signature of Head.Message:
//
//	sluice-audit-anchor:1 seq=42 runs=3 run=7 at=2026-03-01T09:30:00.123456Z trail=<64 hex> hash=<64 hex> database=7716337510682740896/platform
//
// (the database comes last and runs to the end of the message, whatever
// characters its name holds). The heads of a trail are those whose trail is
// its first entry's hash, or whose database is its database: heads of an
// emptied or replaced trail still name the database. Before a command's first
// entry, Seal.Check requires the last of them to be in the trail unchanged
// (same hash at its seq) and every later entry to follow the chain; anything
// else is a *TamperError and the command records nothing. Seal.Anchor checks
// the same again before it appends, so that a trail cut while the command ran
// is named rather than anchored.
//
// # What Verify finds
//
// Verify walks the entries in seq order. The first entry whose seq is not
// its predecessor's plus one, whose prev_hash is not its predecessor's hash,
// or whose content does not give its hash breaks the chain; the links that
// survive around it say whether it was altered, inserted, deleted or moved
// (Kind). Entries after a break are not trusted, so only the first is
// reported.
//
// With a public key every signature is checked. A valid signature proves
// every entry up to its own, so heads without one before the last valid
// signature are counted as unsigned, not as bad: signing can start at any
// run, and a command run without the key between signed ones is covered by
// the next. After the last valid signature nothing is proven: there a
// finished run's unsigned head, an unsigned entry outside any run, or a run
// without its run.end entry that sluice.runs does not say is still running,
// is a finding (missing signature); so is a trail with no valid signature at
// all.
//
// With Options.CheckRuns, sluice.runs is compared with the trail: a run is
// recorded with its run.start entry in one transaction and ends with its
// run.end entry in another, so a run listed without those entries, a run in
// the trail that is not listed, and a status the two disagree on are
// findings.
//
// With an anchor, every head of this trail (or database) it holds must be
// in the trail: a trail that ends before it (truncated), an entry at its seq
// with another hash or another count of runs (diverged), a first entry that
// is not the anchored trail's, or an empty trail, is tampering; so is an
// anchor holding no head of this trail at all (unanchored), and a bad
// signature on an anchored head.
//
// What remains undetectable, by design: without an anchor, deleting a trail's
// last runs together with their rows of sluice.runs (and, without a key,
// deleting every entry and every run, or rewriting entries with every later
// hash recomputed). An export holds no sluice.runs: without an anchor,
// removing its last runs, all their lines, goes unnoticed, and without a key
// either, so does removing any of its last lines, or all of them.
// docs/RELIABILITY.md has the whole table, with the test of each cell.
//
// Verify keeps about 300 bytes per entry in memory; Sluice writes about one
// entry per chunk, so a log of a million entries needs some 300 MB.
package audit
