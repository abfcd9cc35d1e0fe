package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
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

// signedRuns is what sluice.runs says of signedStore's runs.
var signedRuns = []Run{{ID: 1, Command: "migrate", Status: "ok"}, {ID: 2, Command: "migrate", Status: "running"}}

// verifySigned verifies signedStore's trail as the target does: with the key
// and the runs.
func verifySigned(t *testing.T, pool *pgxpool.Pool, pub ed25519.PublicKey) *Report {
	t.Helper()
	rep, err := Verify(context.Background(), pool, Options{PublicKey: pub, CheckRuns: true, Runs: signedRuns})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSignedHeadVerifies(t *testing.T) {
	pool, pub, head := signedStore(t)
	rep := verifySigned(t, pool, pub)
	wantOK(t, rep)
	if rep.Signed != 1 || rep.GoodSigned != 1 || rep.Runs != 2 || rep.Finished != 1 || head.Seq != 5 || rep.LastSigned != 5 {
		t.Fatalf("report %+v, head %d: want one good signature on entry 5, 2 runs, 1 finished", rep, head.Seq)
	}
	// Run 2 has not ended: nothing signs it yet, and that is no finding.
	if !reflect.DeepEqual(rep.Open, []int64{2}) || !strings.Contains(rep.String(), "signatures: 1 valid") {
		t.Fatalf("report text:\n%s", rep)
	}
}

func TestAlteredSignedHeadFailsItsSignature(t *testing.T) {
	pool, pub, head := signedStore(t)
	mustExec(t, pool, `UPDATE sluice.audit SET details = '{"status": "failed"}' WHERE seq = $1`, head.Seq)
	rep := verifySigned(t, pool, pub)
	wantChain(t, rep, Altered, head.Seq)
	hasProblem(t, rep.Signatures, BadSignature, head.Seq)
	// sluice.runs still says ok.
	hasProblem(t, rep.RunProblems, RunStatus, head.Seq)
}

// A rewrite that recomputes the hashes keeps the chain valid, but cannot be
// signed again without the key.
func TestRehashedSignedRunFailsItsSignature(t *testing.T) {
	pool, pub, head := signedStore(t)
	rewrite(t, pool, 2, func(e *Entry) { e.Details["rows"] = 1 })
	rewriteChainFrom(t, pool, 3)
	rep := verifySigned(t, pool, pub)
	if rep.Chain != nil {
		t.Fatalf("a fully rehashed chain is intact by construction, got %s", rep.Chain)
	}
	hasProblem(t, rep.Signatures, BadSignature, head.Seq)
}

func TestWrongKeyFailsTheSignature(t *testing.T) {
	pool, _, head := signedStore(t)
	other, _, _ := ed25519.GenerateKey(nil)
	rep := verifySigned(t, pool, other)
	hasProblem(t, rep.Signatures, BadSignature, head.Seq)
	if rep.Chain != nil {
		t.Fatalf("chain %s, want intact", rep.Chain)
	}
}

func TestGarbledSignatureIsBad(t *testing.T) {
	pool, pub, head := signedStore(t)
	mustExec(t, pool, "UPDATE sluice.audit SET signature = 'not base64!' WHERE seq = $1", head.Seq)
	hasProblem(t, verifySigned(t, pool, pub).Signatures, BadSignature, head.Seq)
}

// Signatures stripped from every entry leave nothing the key can prove: with
// a key that is a finding; without one, nothing is checked.
func TestNoSignatureAtAllIsAFinding(t *testing.T) {
	t.Parallel()
	pool, pub, _ := signedStore(t)
	mustExec(t, pool, "UPDATE sluice.audit SET signature = NULL")
	wantOK(t, verifySigned(t, pool, nil))
	wantSignature(t, verifySigned(t, pool, pub), MissingSignature, 6)
}

// An entry appended to a run after its head was signed is a new, unsigned
// head that no signature covers.
func TestEntryAfterSignedHeadIsUnsigned(t *testing.T) {
	pool, pub, _ := signedStore(t)
	late := appendOne(t, pool, Entry{RunID: 1, Operation: OpVerifyResult})
	rep := verifySigned(t, pool, pub)
	wantSignature(t, rep, MissingSignature, late.Seq)
	if rep.GoodSigned != 1 {
		t.Fatalf("the earlier signature should still be valid: %+v", rep)
	}
}

// Signing switched on after unsigned runs: the unsigned heads before the
// first signed one are reported as unsigned, not as bad, and so are unsigned
// heads between signed ones (a command run without the key): the later
// signature covers them. An unsigned head after the last signature is not
// covered: a finding.
func TestSigningCanStartAtAnyRun(t *testing.T) {
	t.Parallel()
	priv, pub := testKeys(t)
	pool := newStore(t)
	appendRun(t, pool, 1, 3)
	appendRun(t, pool, 2, 3)
	appendEntries(t, pool, 3, 2, false)
	finishSignedRun(t, pool, 3, priv)
	appendRun(t, pool, 4, 3) // unsigned, between signed runs
	appendEntries(t, pool, 5, 2, false)
	finishSignedRun(t, pool, 5, priv)
	runs := []Run{{1, "migrate", "ok"}, {2, "migrate", "ok"}, {3, "migrate", "ok"}, {4, "verify", "ok"}, {5, "migrate", "ok"}}
	rep, err := Verify(context.Background(), pool, Options{PublicKey: pub, CheckRuns: true, Runs: runs})
	if err != nil {
		t.Fatal(err)
	}
	wantOK(t, rep)
	if rep.Unsigned != 3 || rep.GoodSigned != 2 {
		t.Fatalf("want 3 unsigned heads covered and 2 valid signatures:\n%s", rep)
	}
	if !strings.Contains(rep.String(), "3 earlier heads unsigned (covered by a later signature)") {
		t.Fatalf("report text:\n%s", rep)
	}
	last := appendRun(t, pool, 6, 2)
	runs = append(runs, Run{6, "verify", "ok"})
	rep, err = Verify(context.Background(), pool, Options{PublicKey: pub, CheckRuns: true, Runs: runs})
	if err != nil {
		t.Fatal(err)
	}
	wantSignature(t, rep, MissingSignature, last[1].Seq)
}

// An entry outside any run (a conflict resolution) is its own head: unsigned
// after the last signature it is a finding, signed with SignEntry it is not.
func TestEntryOutsideRunsIsItsOwnHead(t *testing.T) {
	t.Parallel()
	priv, pub := testKeys(t)
	pool := newStore(t)
	appendEntries(t, pool, 1, 2, false)
	finishSignedRun(t, pool, 1, priv)
	resolved := appendOne(t, pool, Entry{Operation: "conflict.resolve"})
	wantSignature(t, verify(t, pool, pub), MissingSignature, resolved.Seq)
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		_, err := SignEntry(context.Background(), tx, resolved.Seq, priv)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantOK(t, verify(t, pool, pub))
}

// A head signed before seq and runs were part of the message (its hash
// alone) is still valid.
func TestFirstFormOfHeadSignatureIsValid(t *testing.T) {
	t.Parallel()
	priv, pub := testKeys(t)
	pool := newStore(t)
	entries := appendRun(t, pool, 1, 3)
	head := entries[2]
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte("sluice-audit-head:"+head.Hash)))
	mustExec(t, pool, "UPDATE sluice.audit SET signature = $1 WHERE seq = $2", sig, head.Seq)
	rep := verify(t, pool, pub)
	wantOK(t, rep)
	if rep.GoodSigned != 1 {
		t.Fatalf("the first form of signature is not accepted:\n%s", rep)
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
// package documentation: the message names seq, the runs up to the head
// and the hash.
func TestOpenSSLVerifiesHeadSignature(t *testing.T) {
	_, _, head := signedStore(t)
	msg := fmt.Sprintf("sluice-audit-head:2 seq=%d runs=1 hash=%s", head.Seq, head.Hash)
	opensslVerify(t, msg, head.Signature)
}

// opensslVerify checks signature (base64) of msg with OpenSSL and the test
// public key, as the package documentation tells an auditor to.
func opensslVerify(t *testing.T, msg, signature string) {
	t.Helper()
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	dir := t.TempDir()
	msgPath, sigPath := filepath.Join(dir, "msg"), filepath.Join(dir, "sig")
	raw, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, msgPath, []byte(msg))
	writeFile(t, sigPath, raw)
	out, err := exec.Command(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", "testdata/openssl_public.pem",
		"-rawin", "-in", msgPath, "-sigfile", sigPath).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl rejects the signature of %q: %v\n%s", msg, err, out)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// hasProblem fails unless ps holds a problem of kind at seq.
func hasProblem(t *testing.T, ps []Problem, kind Kind, seq int64) {
	t.Helper()
	for _, p := range ps {
		if p.Kind == kind && p.Seq == seq {
			return
		}
	}
	t.Fatalf("no %s at entry %d among %v", kind, seq, ps)
}

func wantSignature(t *testing.T, rep *Report, kind Kind, seq int64) {
	t.Helper()
	if len(rep.Signatures) != 1 || rep.Signatures[0].Kind != kind || rep.Signatures[0].Seq != seq {
		t.Fatalf("signature problems %v, want exactly %s at entry %d:\n%s", rep.Signatures, kind, seq, rep)
	}
}
