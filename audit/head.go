package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"time"
)

// Head is the end of a trail at one moment, as a witness keeps it: enough to
// tell later whether the trail still holds that entry (Seq, Hash), how many
// runs it held up to there (Runs), and whose trail it is (Database, Trail).
type Head struct {
	// Database names the target database: its cluster's system identifier
	// and its name, "<system identifier>/<name>" (see Identify).
	Database string
	// Trail is the hash of the trail's first entry. It names the trail
	// wherever it lives: a database restored elsewhere keeps it, a trail
	// emptied and begun again does not.
	Trail string
	Seq   int64  // the head entry's seq
	Hash  string // its hash
	Runs  int64  // distinct runs (run_id > 0) with entries among 1..Seq
	RunID int64  // the head entry's run; 0 for an entry outside any run
	At    time.Time
	// Signature is base64 of the ed25519 signature of Message, "" when the
	// command that anchored the head had no signing key.
	Signature string
}

// Message returns the bytes an anchored head's signature covers, one line of
// ASCII text (the database name excepted, which comes last and may hold any
// character):
//
//	sluice-audit-anchor:1 seq=42 runs=3 run=7 at=2026-03-01T09:30:00.123456Z trail=<64 hex> hash=<64 hex> database=7716337510682740896/platform
func (h Head) Message() []byte {
	return fmt.Appendf(nil, "sluice-audit-anchor:1 seq=%d runs=%d run=%d at=%s trail=%s hash=%s database=%s",
		h.Seq, h.Runs, h.RunID, h.At.UTC().Format(timeLayout), h.Trail, h.Hash, h.Database)
}

// sign sets the head's signature; a nil key leaves it unsigned.
func (h *Head) sign(key ed25519.PrivateKey) {
	h.Signature = ""
	if key != nil {
		h.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, h.Message()))
	}
}

// validSignature reports whether the head carries pub's signature.
func (h Head) validSignature(pub ed25519.PublicKey) bool {
	return validSignature(pub, h.Message(), h.Signature)
}

func (h Head) String() string {
	return fmt.Sprintf("at entry %d (run %d, %d runs, anchored %s)", h.Seq, h.RunID, h.Runs, h.At.UTC().Format(time.RFC3339))
}

// Identify names the database q is connected to as "<system identifier>/
// <name>": the cluster's identifier, which pg_control_system() gives to any
// role, and the database's name. A server that refuses the identifier (some
// managed services do) is named by the database's name alone, "/<name>".
func Identify(ctx context.Context, q Querier) (string, error) {
	name, err := queryText(ctx, q, "SELECT system_identifier::text || '/' || current_database() FROM pg_control_system()")
	if err == nil {
		return name, nil
	}
	if name, err = queryText(ctx, q, "SELECT '/' || current_database()"); err != nil {
		return "", fmt.Errorf("identify the target database: %w", err)
	}
	return name, nil
}

func queryText(ctx context.Context, q Querier, sql string, args ...any) (string, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var s string
	if rows.Next() {
		err = rows.Scan(&s)
	}
	if err == nil {
		err = rows.Err()
	}
	return s, err
}

// runsUpTo counts the distinct runs (run_id > 0) with entries among 1..$1.
// A trail holds many entries and few runs, so it walks the (run_id, seq)
// index from one run to the next instead of reading every entry: 90 ms
// rather than 1.1 s for a million entries of 5,000 runs.
const runsUpTo = `WITH RECURSIVE runs(id) AS (
		SELECT min(run_id) FROM sluice.audit WHERE run_id > 0
		UNION ALL
		SELECT (SELECT min(run_id) FROM sluice.audit WHERE run_id > runs.id) FROM runs WHERE runs.id IS NOT NULL)
	SELECT count(*) FROM runs WHERE id IS NOT NULL
		AND EXISTS (SELECT 1 FROM sluice.audit a WHERE a.run_id = runs.id AND a.seq <= $1)`

// headAt reads the head the trail has at entry seq: its hash and run, the
// trail's first hash and the runs up to it. Database and At are the caller's.
func headAt(ctx context.Context, q Querier, seq int64) (Head, error) {
	h := Head{Seq: seq}
	rows, err := q.Query(ctx, `SELECT a.hash, a.run_id,
			coalesce((SELECT hash FROM sluice.audit WHERE seq = 1), ''),
			(`+runsUpTo+`)
		FROM sluice.audit a WHERE a.seq = $1`, seq)
	if err != nil {
		return h, fmt.Errorf("read audit entry %d: %w", seq, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return h, fmt.Errorf("read audit entry %d: %w", seq, err)
		}
		return h, fmt.Errorf("read audit entry %d: there is no such entry", seq)
	}
	if err := rows.Scan(&h.Hash, &h.RunID, &h.Trail, &h.Runs); err != nil {
		return h, fmt.Errorf("read audit entry %d: %w", seq, err)
	}
	return h, rows.Err()
}
