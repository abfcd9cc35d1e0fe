package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// LoadPrivateKey reads an ed25519 signing key from a file: the PEM PKCS#8
// form that `openssl genpkey -algorithm ed25519` writes, or, in hex or
// base64, a 32-byte seed or a 64-byte key (seed followed by public key).
func LoadPrivateKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	key, err := parsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("read signing key %s: %w", path, err)
	}
	return key, nil
}

// LoadPublicKey reads an ed25519 public key from a file: PEM SPKI ("PUBLIC
// KEY", as `openssl pkey -pubout` writes), or 32 bytes in hex or base64.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read public key: %w", err)
	}
	key, err := parsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("read public key %s: %w", path, err)
	}
	return key, nil
}

func parsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	if block, _ := pem.Decode(data); block != nil {
		return privateFromPEM(block)
	}
	raw, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	switch len(raw) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case ed25519.PrivateKeySize:
		key := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
		if !bytes.Equal(key[ed25519.SeedSize:], raw[ed25519.SeedSize:]) {
			return nil, errors.New("the public half of the 64-byte key does not belong to its seed")
		}
		return key, nil
	}
	return nil, fmt.Errorf("a raw ed25519 key has 32 or 64 bytes, this one %d", len(raw))
}

func privateFromPEM(block *pem.Block) (ed25519.PrivateKey, error) {
	if block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("PEM block %q is not a PKCS#8 \"PRIVATE KEY\"", block.Type)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse PKCS#8: %w", err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the key is %T, not ed25519", parsed)
	}
	return key, nil
}

func parsePublicKey(data []byte) (ed25519.PublicKey, error) {
	if block, _ := pem.Decode(data); block != nil {
		return publicFromPEM(block)
	}
	raw, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	if len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("a raw ed25519 public key has 32 bytes, this one %d", len(raw))
	}
	return ed25519.PublicKey(raw), nil
}

func publicFromPEM(block *pem.Block) (ed25519.PublicKey, error) {
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("PEM block %q is not a \"PUBLIC KEY\"", block.Type)
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse SPKI: %w", err)
	}
	key, ok := parsed.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the key is %T, not ed25519", parsed)
	}
	return key, nil
}

// decodeText reads hex, else standard or URL-safe base64, padded or not.
func decodeText(data []byte) ([]byte, error) {
	text := string(bytes.TrimSpace(data))
	if raw, err := hex.DecodeString(text); err == nil {
		return raw, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(text); err == nil {
			return raw, nil
		}
	}
	return nil, errors.New("neither PEM nor a key in hex or base64")
}
