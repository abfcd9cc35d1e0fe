package audit

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"path/filepath"
	"strings"
	"testing"
)

// The OpenSSL pair loads, and the private key's public half is the public
// key's file.
func TestLoadOpenSSLKeys(t *testing.T) {
	priv, pub := testKeys(t)
	if !pub.Equal(priv.Public()) {
		t.Fatal("the private key does not match the public key OpenSSL derived")
	}
}

func TestLoadRawKeys(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	seed := priv.Seed()
	for name, text := range map[string]string{
		"hex seed":             hex.EncodeToString(seed),
		"base64 seed":          base64.StdEncoding.EncodeToString(seed) + "\n",
		"unpadded base64 seed": base64.RawStdEncoding.EncodeToString(seed),
		"hex key":              "  " + hex.EncodeToString(priv) + "\n",
		"base64 key":           base64.StdEncoding.EncodeToString(priv),
		"PEM written by Go":    string(pemOf(t, "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(priv)))),
		"url-safe base64 seed": base64.URLEncoding.EncodeToString(seed),
	} {
		got, err := LoadPrivateKey(tempFile(t, text))
		if err != nil || !got.Equal(priv) {
			t.Errorf("%s: key %x, %v", name, got, err)
		}
	}
	for name, text := range map[string]string{
		"hex":    hex.EncodeToString(pub),
		"base64": base64.StdEncoding.EncodeToString(pub),
		"PEM":    string(pemOf(t, "PUBLIC KEY", must(x509.MarshalPKIXPublicKey(pub)))),
	} {
		got, err := LoadPublicKey(tempFile(t, text))
		if err != nil || !got.Equal(pub) {
			t.Errorf("public %s: key %x, %v", name, got, err)
		}
	}
}

func TestLoadKeyErrors(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mixed := append(append([]byte{}, priv.Seed()...), make([]byte, 32)...)
	cases := map[string]string{
		"empty":              "",
		"31 bytes":           hex.EncodeToString(make([]byte, 31)),
		"64 bytes, mismatch": hex.EncodeToString(mixed),
		"not a key":          "hello, world",
		"ECDSA PKCS#8":       string(pemOf(t, "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(other)))),
		"public PEM":         mustRead(t, "testdata/openssl_public.pem"),
		"other PEM type":     string(pemOf(t, "EC PRIVATE KEY", []byte{1, 2, 3})),
	}
	for name, text := range cases {
		if _, err := LoadPrivateKey(tempFile(t, text)); err == nil {
			t.Errorf("private %s: no error", name)
		}
	}
	if _, err := LoadPublicKey("testdata/openssl_private.pem"); err == nil {
		t.Error("a private key read as public: no error")
	}
	missing := filepath.Join(t.TempDir(), "nope.pem")
	if _, err := LoadPrivateKey(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}
}

func pemOf(t *testing.T, typ string, der []byte) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	key, err := LoadPublicKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(pemOf(t, "PUBLIC KEY", must(x509.MarshalPKIXPublicKey(key))))
}

func tempFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "key")
	writeFile(t, path, []byte(text))
	return path
}
