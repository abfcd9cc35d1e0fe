package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// testKeys are the key pair OpenSSL 3 wrote (testdata/openssl_*.pem).
func testKeys(t *testing.T) (ed25519.PrivateKey, ed25519.PublicKey) {
	t.Helper()
	priv, err := LoadPrivateKey("testdata/openssl_private.pem")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := LoadPublicKey("testdata/openssl_public.pem")
	if err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

// finishSignedRun appends a run's last entry and signs its head in one
// transaction, as migrate does at the end of a run.
func finishSignedRun(t *testing.T, pool *pgxpool.Pool, run int64, key ed25519.PrivateKey) Entry {
	t.Helper()
	ctx := context.Background()
	var head Entry
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		end, err := Append(ctx, tx, Entry{RunID: run, Operation: OpRunEnd, Details: map[string]any{"status": "ok"}})
		if err != nil {
			return err
		}
		if head, err = SignHead(ctx, tx, run, key); err != nil {
			return err
		}
		if head.Seq != end.Seq {
			t.Errorf("signed entry %d, want the run.end entry %d", head.Seq, end.Seq)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return head
}

func signedStore(t *testing.T) (*pgxpool.Pool, ed25519.PublicKey, Entry) {
	t.Helper()
	priv, pub := testKeys(t)
	pool := newStore(t)
	appendEntries(t, pool, 1, 4, false)
	head := finishSignedRun(t, pool, 1, priv)                  // entry 5
	appendOne(t, pool, Entry{RunID: 2, Operation: OpRunStart}) // run 2 still running
	return pool, pub, head
}

// rewriteChainFrom recomputes the hashes from seq on, so that a test can
// shape a valid chain by hand.
func rewriteChainFrom(t *testing.T, pool *pgxpool.Pool, seq int64) {
	t.Helper()
	entries, err := Read(context.Background(), pool, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	prev := GenesisHash
	for _, e := range entries {
		if e.Seq >= seq {
			e.PrevHash = prev
			if e.Hash, err = ComputeHash(e); err != nil {
				t.Fatal(err)
			}
			mustExec(t, pool, "UPDATE sluice.audit SET prev_hash = $1, hash = $2 WHERE seq = $3", e.PrevHash, e.Hash, e.Seq)
		}
		prev = e.Hash
	}
}

func TestSignedHeadVerifies(t *testing.T) {
	pool, pub, head := signedStore(t)
	rep := verify(t, pool, pub)
	wantOK(t, rep)
	if rep.Signed != 1 || rep.GoodSigned != 1 || rep.Runs != 2 || rep.Finished != 1 || head.Seq != 5 {
		t.Fatalf("report %+v, head %d: want one good signature on entry 5, 2 runs, 1 finished", rep, head.Seq)
	}
	if !strings.Contains(rep.String(), "signatures: 1 valid") {
		t.Fatalf("report text:\n%s", rep)
	}
}

func TestAlteredSignedHeadFailsItsSignature(t *testing.T) {
	pool, pub, head := signedStore(t)
	mustExec(t, pool, `UPDATE sluice.audit SET details = '{"status": "failed"}' WHERE seq = $1`, head.Seq)
	rep := verify(t, pool, pub)
	wantChain(t, rep, Altered, head.Seq)
	wantSignature(t, rep, BadSignature, head.Seq)
}

// A rewrite that recomputes the hashes keeps the chain valid, but cannot be
// signed again without the key.
func TestRehashedSignedRunFailsItsSignature(t *testing.T) {
	pool, pub, head := signedStore(t)
	rewrite(t, pool, 2, func(e *Entry) { e.Details["rows"] = 1 })
	rewriteChainFrom(t, pool, 3)
	rep := verify(t, pool, pub)
	if rep.Chain != nil {
		t.Fatalf("a fully rehashed chain is intact by construction, got %s", rep.Chain)
	}
	wantSignature(t, rep, BadSignature, head.Seq)
}

func TestWrongKeyFailsTheSignature(t *testing.T) {
	pool, _, head := signedStore(t)
	other, _, _ := ed25519.GenerateKey(nil)
	rep := verify(t, pool, other)
	wantSignature(t, rep, BadSignature, head.Seq)
	if rep.Chain != nil {
		t.Fatalf("chain %s, want intact", rep.Chain)
	}
}

func TestGarbledSignatureIsBad(t *testing.T) {
	pool, pub, head := signedStore(t)
	mustExec(t, pool, "UPDATE sluice.audit SET signature = 'not base64!' WHERE seq = $1", head.Seq)
	wantSignature(t, verify(t, pool, pub), BadSignature, head.Seq)
}

// A finished run whose head is unsigned is reported only when a key is
// given; an unfinished run (run 2) never is.
func TestMissingSignatureOnFinishedRun(t *testing.T) {
	pool, pub, _ := signedStore(t)
	mustExec(t, pool, "UPDATE sluice.audit SET signature = NULL")
	wantOK(t, verify(t, pool, nil))
	wantSignature(t, verify(t, pool, pub), MissingSignature, 5)
}

// An entry appended to a run after its head was signed is a new, unsigned
// head.
func TestEntryAfterSignedHeadIsUnsigned(t *testing.T) {
	pool, pub, _ := signedStore(t)
	late := appendOne(t, pool, Entry{RunID: 1, Operation: OpVerifyResult})
	rep := verify(t, pool, pub)
	wantSignature(t, rep, MissingSignature, late.Seq)
	if rep.GoodSigned != 1 {
		t.Fatalf("the earlier signature should still be valid: %+v", rep)
	}
}

func TestSignHeadRefusesTamperedHeadAndEmptyRun(t *testing.T) {
	priv, _ := testKeys(t)
	pool := newStore(t)
	appendRun(t, pool, 1, 3)
	mustExec(t, pool, `UPDATE sluice.audit SET details = '{}' WHERE seq = 3`)
	for _, run := range []int64{1, 9} {
		err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
			_, err := SignHead(context.Background(), tx, run, priv)
			return err
		})
		if err == nil {
			t.Errorf("SignHead on run %d: no error", run)
		}
	}
}

// An auditor verifies a head signature with OpenSSL alone, following the
// package documentation.
func TestOpenSSLVerifiesHeadSignature(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	_, _, head := signedStore(t)
	dir := t.TempDir()
	msg, sig := filepath.Join(dir, "msg"), filepath.Join(dir, "sig")
	raw, err := base64.StdEncoding.DecodeString(head.Signature)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, msg, []byte("sluice-audit-head:"+head.Hash))
	writeFile(t, sig, raw)
	out, err := exec.Command(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", "testdata/openssl_public.pem",
		"-rawin", "-in", msg, "-sigfile", sig).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl rejects the signature: %v\n%s", err, out)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func wantSignature(t *testing.T, rep *Report, kind Kind, seq int64) {
	t.Helper()
	if len(rep.Signatures) != 1 || rep.Signatures[0].Kind != kind || rep.Signatures[0].Seq != seq {
		t.Fatalf("signature problems %v, want exactly %s at entry %d:\n%s", rep.Signatures, kind, seq, rep)
	}
}
