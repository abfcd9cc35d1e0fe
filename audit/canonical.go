package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// timeLayout is RFC 3339 in UTC with exactly six fraction digits: PostgreSQL
// keeps microseconds, so a longer form could not be read back unchanged.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Canonical returns the canonical encoding of e, the bytes its hash covers
// (see the package documentation): a JSON object of at, details, host,
// operation, os_user, run_id and seq. PrevHash, Hash and Signature are not
// part of it; PrevHash enters the hash as its prefix.
func Canonical(e Entry) ([]byte, error) {
	at := e.At.UTC()
	if at.Year() < 1 || at.Year() > 9999 {
		return nil, fmt.Errorf("encode entry %d: time %s is outside years 0001-9999", e.Seq, at)
	}
	details, err := normalizeDetails(e.Details)
	if err != nil {
		return nil, fmt.Errorf("encode details of entry %d: %w", e.Seq, err)
	}
	fields := map[string]any{
		"at":        at.Format(timeLayout),
		"details":   details,
		"host":      cleanString(e.Host),
		"operation": cleanString(e.Operation),
		"os_user":   cleanString(e.OSUser),
		"run_id":    json.Number(strconv.FormatInt(e.RunID, 10)),
		"seq":       json.Number(strconv.FormatInt(e.Seq, 10)),
	}
	return appendCanonical(nil, fields)
}

// ComputeHash returns the hash e must carry: the lower-case hex SHA-256 of
// e.PrevHash (its 64 ASCII characters) followed by Canonical(e).
func ComputeHash(e Entry) (string, error) {
	canonical, err := Canonical(e)
	if err != nil {
		return "", err
	}
	return chainHash(e.PrevHash, canonical), nil
}

func chainHash(prev string, canonical []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(canonical)
	return hex.EncodeToString(h.Sum(nil))
}

// normalTime is the time as stored: UTC, truncated to microseconds.
func normalTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
