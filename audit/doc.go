// Package audit keeps Sluice's tamper-evident audit trail: the table
// sluice.audit in the target, one entry per operation, each chained to the
// one before by a SHA-256 hash, the head of each run optionally signed with
// ed25519.
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
//   - SignHead(ctx, tx, run, key) right after the run's OpRunEnd entry, in
//     the same transaction, when a signing key is configured (LoadPrivateKey).
//   - `sluice audit verify`: Verify(ctx, pool, pub) with pub from
//     LoadPublicKey or nil, print Report.String, exit non-zero unless
//     Report.OK. With a file: VerifyLines(file, pub), same report.
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
// The head of a run is its entry with the highest seq. Its signature is the
// ed25519 signature of HeadMessage: the ASCII text "sluice-audit-head:"
// followed by the head's hash. It is stored base64 (standard alphabet,
// padded). An auditor can check one with OpenSSL:
//
//	printf 'sluice-audit-head:%s' "$hash" > msg
//	echo "$signature" | base64 -d > sig
//	openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in msg -sigfile sig
//
// # What Verify finds
//
// Verify walks the entries in seq order. The first entry whose seq is not
// its predecessor's plus one, whose prev_hash is not its predecessor's hash,
// or whose content does not give its hash breaks the chain; the links that
// survive around it say whether it was altered, inserted, deleted or moved
// (Kind). Entries after a break are not trusted, so only the first is
// reported. Signatures are checked on every entry that has one.
//
// A chain cannot see everything: someone who may write the table can
// delete its last entries, or rewrite an entry and recompute every hash
// after it. Signed heads catch that for finished runs (the rewrite cannot
// be re-signed without the private key; a missing head signature is
// reported), and so does comparing Report.Head with an archived export.
//
// Verify keeps about 300 bytes per entry in memory; Sluice writes about one
// entry per chunk, so a log of a million entries needs some 300 MB.
package audit
