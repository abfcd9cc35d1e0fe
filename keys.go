package sluice

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// DefaultNamespace is the UUIDv5 namespace of row keys when the config names
// none: UUIDv5(NameSpaceURL, "https://github.com/sluicedb/sluice/keys").
var DefaultNamespace = uuid.MustParse("a18306cf-4b0a-5674-93e2-be8c183b5270")

// KeyName is the name a row's identity is hashed from:
// "<source>.<table>:<key>", where table is the source table's own name and key
// is KeyText of the key values.
func KeyName(source, table string, key []any) string {
	return string(appendKeyName(nil, source, table, key))
}

// KeyUUID is the deterministic identity of a source row:
// UUIDv5(ns, KeyName(source, table, key)). A primary key and every foreign
// key that points at it are computed with it, so no lookup table is needed
// across databases, processes and reruns. It returns false when a part of
// the key is NULL: a NULL foreign key references nothing.
func KeyUUID(ns uuid.UUID, source, table string, key []any) (uuid.UUID, bool) {
	var h KeyHasher
	return h.UUID(ns, source, table, key)
}

// KeyHasher computes KeyUUID without allocating, reusing its buffer: the
// transforms call it for every key of millions of rows. It is not safe for
// concurrent use.
type KeyHasher struct{ buf []byte }

// UUID is KeyUUID.
func (h *KeyHasher) UUID(ns uuid.UUID, source, table string, key []any) (uuid.UUID, bool) {
	for _, v := range key {
		if v == nil {
			return uuid.Nil, false
		}
	}
	h.buf = appendKeyName(append(h.buf[:0], ns[:]...), source, table, key)
	sum := sha1.Sum(h.buf)
	var u uuid.UUID
	copy(u[:], sum[:16])
	u[6] = (u[6] & 0x0f) | 0x50 // version 5
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return u, true
}

func appendKeyName(b []byte, source, table string, key []any) []byte {
	b = append(b, source...)
	b = append(b, '.')
	b = append(b, table...)
	b = append(b, ':')
	return appendKeyText(b, key)
}

// KeyText encodes key values unambiguously. A single value is its canonical
// text; the parts of a composite key are escaped ('\' and '|' get a
// backslash) and joined with '|', so ("a|b", "c") and ("a", "b|c") differ.
func KeyText(key []any) string {
	return string(appendKeyText(nil, key))
}

func appendKeyText(b []byte, key []any) []byte {
	if len(key) == 1 {
		return appendValueText(b, key[0])
	}
	for i, v := range key {
		if i > 0 {
			b = append(b, '|')
		}
		start := len(b)
		b = appendValueText(b, v)
		b = escapeKeyPart(b, start)
	}
	return b
}

// escapeKeyPart puts a backslash before each '\' and '|' of b[start:].
func escapeKeyPart(b []byte, start int) []byte {
	n := 0
	for _, c := range b[start:] {
		if c == '\\' || c == '|' {
			n++
		}
	}
	if n == 0 {
		return b
	}
	part := append([]byte(nil), b[start:]...)
	b = b[:start]
	for _, c := range part {
		if c == '\\' || c == '|' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return b
}

// ValueText is the canonical text of a key value, the same whichever engine
// yields it: integers in decimal, bytes as 0x-prefixed lower-case hex, times
// in RFC 3339 UTC, UUIDs in their usual form.
func ValueText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(appendValueText(nil, v))
}

func appendValueText(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return b
	case string:
		return append(b, x...)
	case []byte:
		return hex.AppendEncode(append(b, "0x"...), x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int16:
		return strconv.AppendInt(b, int64(x), 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		return x.UTC().AppendFormat(b, time.RFC3339Nano)
	case [16]byte:
		return append(b, uuid.UUID(x).String()...)
	case uuid.UUID:
		return append(b, x.String()...)
	case *big.Int:
		return x.Append(b, 10)
	case fmt.Stringer:
		return append(b, x.String()...)
	default:
		return fmt.Append(b, x)
	}
}
