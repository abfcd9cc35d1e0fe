package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// headPrefix separates what Sluice signs from anything else the same key
// might sign.
const headPrefix = "sluice-audit-head:"

// HeadMessage returns the bytes a head's signature covers: the ASCII text
// "sluice-audit-head:" followed by the entry's 64-character hex hash.
func HeadMessage(hash string) []byte { return []byte(headPrefix + hash) }

// SignHead signs the head of a run, its last entry, and stores the signature
// (base64 of the 64-byte ed25519 signature of HeadMessage) on it, inside tx.
// Sign after the run's last Append, in the same transaction as its run.end
// entry: an entry appended to the run afterwards is a new, unsigned head. It
// refuses to sign a head whose content no longer gives its hash.
func SignHead(ctx context.Context, tx pgx.Tx, runID int64, key ed25519.PrivateKey) (Entry, error) {
	if len(key) != ed25519.PrivateKeySize {
		return Entry{}, fmt.Errorf("sign the head of run %d: the key has %d bytes, not %d", runID, len(key), ed25519.PrivateKeySize)
	}
	head, err := lockRunHead(ctx, tx, runID)
	if err != nil {
		return Entry{}, fmt.Errorf("sign the head of run %d: %w", runID, err)
	}
	if computed, err := ComputeHash(head); err != nil || computed != head.Hash {
		return Entry{}, fmt.Errorf("sign the head of run %d: entry %d does not match its hash; run Verify", runID, head.Seq)
	}
	head.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, HeadMessage(head.Hash)))
	_, err = tx.Exec(ctx, "UPDATE sluice.audit SET signature = $1 WHERE seq = $2", head.Signature, head.Seq)
	if err != nil {
		return Entry{}, fmt.Errorf("sign the head of run %d, entry %d: %w", runID, head.Seq, err)
	}
	return head, nil
}

// lockRunHead takes the append lock, so that the head cannot move while it
// is signed, and reads the run's last entry.
func lockRunHead(ctx context.Context, tx pgx.Tx, runID int64) (Entry, error) {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", appendLockKey); err != nil {
		return Entry{}, fmt.Errorf("lock the audit trail: %w", err)
	}
	rows, err := tx.Query(ctx, "SELECT "+entryColumns+` FROM sluice.audit WHERE run_id = $1 ORDER BY seq DESC LIMIT 1`, runID)
	if err != nil {
		return Entry{}, fmt.Errorf("read the last entry: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Entry{}, fmt.Errorf("read the last entry: %w", err)
		}
		return Entry{}, errors.New("the run has no audit entry")
	}
	head, err := scanEntry(rows)
	if err != nil {
		return Entry{}, fmt.Errorf("read the last entry: %w", err)
	}
	return head, nil
}

// verifyHead reports whether signature (base64) is pub's signature of the
// head message for hash.
func verifyHead(pub ed25519.PublicKey, hash, signature string) bool {
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, HeadMessage(hash), sig)
}
