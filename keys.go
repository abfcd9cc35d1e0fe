package sluice

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"strings"
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
	return source + "." + table + ":" + KeyText(key)
}

// KeyUUID is the deterministic identity of a source row. A primary key and
// every foreign key that points at it are computed with it, so no lookup table
// is needed across databases, processes and reruns. It returns false when a
// part of the key is NULL: a NULL foreign key references nothing.
func KeyUUID(ns uuid.UUID, source, table string, key []any) (uuid.UUID, bool) {
	for _, v := range key {
		if v == nil {
			return uuid.Nil, false
		}
	}
	return uuid.NewSHA1(ns, []byte(KeyName(source, table, key))), true
}

// KeyText encodes key values unambiguously. A single value is its canonical
// text; the parts of a composite key are escaped ('\' and '|' get a
// backslash) and joined with '|', so ("a|b", "c") and ("a", "b|c") differ.
func KeyText(key []any) string {
	if len(key) == 1 {
		return ValueText(key[0])
	}
	parts := make([]string, len(key))
	for i, v := range key {
		parts[i] = keyEscaper.Replace(ValueText(v))
	}
	return strings.Join(parts, "|")
}

var keyEscaper = strings.NewReplacer(`\`, `\\`, `|`, `\|`)

// ValueText is the canonical text of a key value, the same whichever engine
// yields it: integers in decimal, bytes as 0x-prefixed lower-case hex, times
// in RFC 3339 UTC, UUIDs in their usual form.
func ValueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return "0x" + hex.EncodeToString(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int:
		return strconv.Itoa(x)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case [16]byte:
		return uuid.UUID(x).String()
	case uuid.UUID:
		return x.String()
	case *big.Int:
		return x.String()
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}
