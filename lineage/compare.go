package lineage

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// CompareKey compares a legacy key, given as its text parts (SplitKey), with
// a keyset bound of the ledger (target.DecodeKey), element by element, the
// first difference deciding. Each part is read as the type of the bound's
// value: integers compare numerically, times chronologically, UUIDs and
// bytes bytewise, and strings bytewise too. Byte order is Go's and
// PostgreSQL's "C" order; a source that sorted its keys by another collation
// (MySQL's case-insensitive ones, say) may have paginated in an order where
// this comparison places a string key in the wrong range, so a caller must
// not treat a miss as proof. A part that cannot be read as the bound's type
// is an error: the key cannot be placed.
func CompareKey(parts []string, bound []any) (int, error) {
	if len(parts) != len(bound) {
		return 0, fmt.Errorf("the key has %d part(s), the ledger's bound %d", len(parts), len(bound))
	}
	for i, p := range parts {
		c, err := comparePart(p, bound[i])
		if err != nil {
			return 0, fmt.Errorf("key part %d %q: %w", i+1, p, err)
		}
		if c != 0 {
			return c, nil
		}
	}
	return 0, nil
}

// comparePart compares the text of one key value with a typed value.
func comparePart(text string, b any) (int, error) {
	switch x := b.(type) {
	case int64:
		v, err := strconv.ParseInt(text, 10, 64)
		return cmp.Compare(v, x), err
	case uint64:
		v, err := strconv.ParseUint(text, 10, 64)
		return cmp.Compare(v, x), err
	case float64:
		v, err := strconv.ParseFloat(text, 64)
		return cmp.Compare(v, x), err
	case string:
		return strings.Compare(text, x), nil
	case []byte:
		v, err := parseBytes(text)
		return bytes.Compare(v, x), err
	case bool:
		v, err := strconv.ParseBool(text)
		return compareBool(v, x), err
	case time.Time:
		v, err := parseTime(text)
		return v.Compare(x), err
	case [16]byte:
		v, err := uuid.Parse(text)
		return bytes.Compare(v[:], x[:]), err
	}
	return 0, fmt.Errorf("cannot compare with a ledger value of type %T", b)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// parseBytes reads bytes as sluice.ValueText writes them (0x and hex), or
// as PostgreSQL does (\x and hex).
func parseBytes(text string) ([]byte, error) {
	h, ok := strings.CutPrefix(text, "0x")
	if !ok {
		if h, ok = strings.CutPrefix(text, `\x`); !ok {
			return nil, fmt.Errorf("not 0x-prefixed hex")
		}
	}
	return hex.DecodeString(h)
}

// timeLayouts read a time as sluice.ValueText writes it (RFC 3339 in UTC) or
// as PostgreSQL's JSON renders timestamptz, timestamp and date; a time
// without a zone is taken as UTC, the zone sources read such values in.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", time.DateOnly}

func parseTime(text string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, text); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time")
}
