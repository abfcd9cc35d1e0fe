package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// HeadMessage returns the bytes the signature of a head in the table covers,
// one line of ASCII text: its seq, the number of distinct runs (run_id > 0)
// with entries among 1..seq, and its hash:
//
//	sluice-audit-head:2 seq=42 runs=3 hash=<64 hex>
func HeadMessage(seq, runs int64, hash string) []byte {
	return fmt.Appendf(nil, "sluice-audit-head:2 seq=%d runs=%d hash=%s", seq, runs, hash)
}

// headMessageV1 is what heads signed before seq and runs were part of the
// message cover: "sluice-audit-head:" and the hash. Such a signature is still
// valid evidence (the hash covers seq and every earlier entry), so Verify
// accepts it.
func headMessageV1(hash string) []byte { return []byte("sluice-audit-head:" + hash) }

// SignHead signs the head of a run, its last entry, and stores the signature
// (base64 of the 64-byte ed25519 signature of HeadMessage) on it, inside tx.
// Sign after the run's last Append, in the same transaction as its run.end
// entry: an entry appended to the run afterwards is a new, unsigned head. It
// refuses to sign a head whose content no longer gives its hash.
func SignHead(ctx context.Context, tx pgx.Tx, runID int64, key ed25519.PrivateKey) (Entry, error) {
	if err := lockTrail(ctx, tx); err != nil {
		return Entry{}, fmt.Errorf("sign the head of run %d: %w", runID, err)
	}
	seq, err := lastOfRun(ctx, tx, runID)
	if err != nil {
		return Entry{}, fmt.Errorf("sign the head of run %d: %w", runID, err)
	}
	head, err := SignEntry(ctx, tx, seq, key)
	if err != nil {
		return Entry{}, fmt.Errorf("sign the head of run %d: %w", runID, err)
	}
	return head, nil
}

// SignEntry signs entry seq as a head, inside tx: for an entry outside any
// run (a conflict resolution), which is its own head.
func SignEntry(ctx context.Context, tx pgx.Tx, seq int64, key ed25519.PrivateKey) (Entry, error) {
	if len(key) != ed25519.PrivateKeySize {
		return Entry{}, fmt.Errorf("sign audit entry %d: the key has %d bytes, not %d", seq, len(key), ed25519.PrivateKeySize)
	}
	if err := lockTrail(ctx, tx); err != nil {
		return Entry{}, fmt.Errorf("sign audit entry %d: %w", seq, err)
	}
	entries, err := Read(ctx, tx, seq, seq)
	if err == nil && len(entries) == 0 {
		err = errors.New("there is no such entry")
	}
	if err != nil {
		return Entry{}, fmt.Errorf("sign audit entry %d: %w", seq, err)
	}
	head := entries[0]
	if computed, err := ComputeHash(head); err != nil || computed != head.Hash {
		return Entry{}, fmt.Errorf("sign audit entry %d: it does not match its hash; run Verify", seq)
	}
	h, err := headAt(ctx, tx, seq)
	if err != nil {
		return Entry{}, fmt.Errorf("sign audit entry %d: %w", seq, err)
	}
	head.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, HeadMessage(seq, h.Runs, head.Hash)))
	if _, err := tx.Exec(ctx, "UPDATE sluice.audit SET signature = $1 WHERE seq = $2", head.Signature, seq); err != nil {
		return Entry{}, fmt.Errorf("sign audit entry %d: %w", seq, err)
	}
	return head, nil
}

// lockTrail takes the append lock until tx ends, so that the head cannot
// move while it is read, checked or signed. A transaction may take it more
// than once.
func lockTrail(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", appendLockKey); err != nil {
		return fmt.Errorf("lock the audit trail: %w", err)
	}
	return nil
}

// lastOfRun returns the seq of a run's last entry.
func lastOfRun(ctx context.Context, tx pgx.Tx, runID int64) (int64, error) {
	var seq int64
	err := tx.QueryRow(ctx, "SELECT seq FROM sluice.audit WHERE run_id = $1 ORDER BY seq DESC LIMIT 1", runID).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, errors.New("the run has no audit entry")
	}
	if err != nil {
		return 0, fmt.Errorf("read the last entry: %w", err)
	}
	return seq, nil
}

// validSignature reports whether signature (base64) is pub's signature of msg.
func validSignature(pub ed25519.PublicKey, msg []byte, signature string) bool {
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, msg, sig)
}

// validHead reports whether signature is pub's signature of the head with
// this seq, runs count and hash, in the current form or the first one.
func validHead(pub ed25519.PublicKey, seq, runs int64, hash, signature string) bool {
	return validSignature(pub, HeadMessage(seq, runs, hash), signature) ||
		validSignature(pub, headMessageV1(hash), signature)
}
