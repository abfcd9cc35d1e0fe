package audit

import (
	"os"
	"os/user"
	"time"
)

// Entry is one record of the audit trail.
type Entry struct {
	Seq       int64     // 1, 2, 3, ... without gaps; set by Append
	At        time.Time // when; UTC, microsecond precision (PostgreSQL timestamptz)
	OSUser    string    // who ran Sluice (see Who)
	Host      string    // on which machine
	RunID     int64     // the run (sluice.runs) it belongs to; 0 for none
	Operation string    // what: one of the Op constants, or another short verb phrase
	// Details says how, as JSON values. Append scrubs it (see Scrub); read
	// back, it holds map[string]any, []any, string, bool, nil and
	// json.Number.
	Details map[string]any

	PrevHash string // Hash of the previous entry; 64 zeros for the first
	Hash     string // hex SHA-256 of PrevHash and the canonical encoding
	// Signature is set on the head of a signed run (see SignHead): base64 of
	// the ed25519 signature of the head message. It is not part of Hash.
	Signature string
}

// The operations Sluice records. Details are free-form, but never hold a
// secret or a source value (see the package documentation).
const (
	OpRunStart     = "run.start"     // command, config hash, version, pid
	OpTablePlan    = "table.plan"    // a table's rules: source, target, columns, casts, filter, keys
	OpTableRerun   = "table.rerun"   // a table reloaded in a new generation, and why
	OpChunkCommit  = "chunk.commit"  // table, generation, chunk, key range, rows, rejects, content hash
	OpReject       = "reject"        // table, legacy key, column, reason, hash of the raw value
	OpTableDone    = "table.done"    // a table's reconciled counts
	OpChunkContent = "chunk.content" // a loaded chunk's key range and SHA-256 of its rows, source and target side
	OpVerifyResult = "verify.result" // a verification's level, table and findings
	OpRunEnd       = "run.end"       // status and message; marks the run finished (see Verify)
	OpStreamStart  = "stream.start"  // a source's stream starts at a position: its copy's snapshot
	OpStreamBatch  = "stream.batch"  // source transactions applied: position range, counts per table, rejects
	OpStreamStop   = "stream.stop"   // a table's stream stopped: a schema change the mapping cannot absorb
	OpStreamSchema = "stream.schema" // a schema change the mapping absorbed or does not read
	OpTargetDrop   = "target.drop"   // rollback --drop-target: the tables Sluice created that it dropped, those it kept
	OpStreamRerun  = "stream.rerun"  // tables kept current by reruns brought up to date by a run of their load
	// OpStreamForeignKeys: the foreign keys touching tables kept current by
	// reruns, dropped while sync runs and added back after.
	OpStreamForeignKeys = "stream.foreign_keys"
)

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Who returns the OS user and host name to record in entries; "unknown" for
// either when the system cannot tell.
func Who() (osUser, host string) {
	osUser, host = "unknown", "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		osUser = u.Username
	} else if name := os.Getenv("USER"); name != "" {
		osUser = name
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		host = h
	}
	return osUser, host
}
