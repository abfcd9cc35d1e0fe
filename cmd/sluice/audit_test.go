package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// The auditor's session: a migration signed with a key, the trail verified
// with the public key, exported and verified again away from the database;
// then an entry edited by hand is named, and the exit code says it failed.
func TestAuditSignVerifyExport(t *testing.T) {
	t.Parallel()
	target := sluicetest.NewPostgresDB(t)
	dir := t.TempDir()
	priv, pub := writeKeyPair(t, dir)
	in := invocation{dir: dir}
	r := in.run(t, "init", "--source", "chinook="+chinookSQLite(t), "--target", target)
	wantCode(t, r, 0)
	writeFile(t, dir, "sluice.yaml", r.stdout)
	wantCode(t, in.run(t, "migrate", "--progress", "none", "--signing-key", priv), 0)

	v := in.run(t, "audit", "verify", "--public-key", pub)
	wantCode(t, v, 0)
	if !strings.Contains(v.stdout, "chain: intact") || !strings.Contains(v.stdout, "1 valid") {
		t.Errorf("audit verify of an untouched trail:\n%s", v.stdout)
	}
	export := filepath.Join(dir, "audit.jsonl")
	wantCode(t, in.run(t, "audit", "export", "-o", export), 0)
	wantCode(t, in.run(t, "audit", "verify", "--file", export, "--public-key", pub), 0)

	conn := pgConn(t, target)
	pgInt(t, conn, `WITH u AS (UPDATE sluice.audit SET details = jsonb_set(details, '{rows_loaded}', '1') WHERE seq = 5 RETURNING 1) SELECT count(*) FROM u`)
	bad := in.run(t, "audit", "verify", "--public-key", pub)
	wantCode(t, bad, exitValidation)
	if !strings.Contains(bad.stdout, "entry 5") {
		t.Errorf("the edited entry 5 is not named:\n%s", bad.stdout)
	}
	// The export taken before the edit still verifies: it is the archive.
	wantCode(t, in.run(t, "audit", "verify", "--file", export, "--public-key", pub), 0)
}

// writeKeyPair writes an ed25519 key pair as PEM files, as openssl would.
func writeKeyPair(t *testing.T, dir string) (privPath, pubPath string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	privPath = writeFile(t, dir, "audit.key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})))
	pubPath = writeFile(t, dir, "audit.pub", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})))
	return privPath, pubPath
}
