package target

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

// EncodeKey encodes keyset key values for the ledger, so that a rerun resumes
// after exactly that key. Plain JSON would turn an int64 into a float64, so
// each value is a JSON string tagged with its type:
//
//	["int:42", "str:Smith", "time:2024-03-01T10:00:00.5Z"]
//
// Tags: int (int64), uint (uint64), float (float64, shortest exact form),
// str (a string of valid UTF-8), strx (any other string, base64), bytes
// ([]byte, base64), bool, time (time.Time as an instant in UTC, RFC 3339, or
// timeu:<unix seconds>:<nanoseconds> outside years 0-9999), uuid ([16]byte)
// and null. Smaller integer types are stored as int or uint, uuid.UUID as
// uuid. A nil or empty key encodes as "". A sluice.Undecodable (a text key
// its source could not convert from its character set) is
// undecodable:<charset>:<base64 of its bytes>; its Reason is not kept.
func EncodeKey(key []any) (string, error) {
	if len(key) == 0 {
		return "", nil
	}
	parts := make([]string, len(key))
	for i, v := range key {
		p, err := encodeKeyValue(v)
		if err != nil {
			return "", fmt.Errorf("encode key part %d: %w", i+1, err)
		}
		parts[i] = p
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep the ledger readable: <, > and & as they are
	if err := enc.Encode(parts); err != nil {
		return "", fmt.Errorf("encode key: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func encodeKeyValue(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case int64:
		return "int:" + strconv.FormatInt(x, 10), nil
	case int:
		return "int:" + strconv.FormatInt(int64(x), 10), nil
	case int32:
		return "int:" + strconv.FormatInt(int64(x), 10), nil
	case int16:
		return "int:" + strconv.FormatInt(int64(x), 10), nil
	case int8:
		return "int:" + strconv.FormatInt(int64(x), 10), nil
	case uint64:
		return "uint:" + strconv.FormatUint(x, 10), nil
	case uint32:
		return "uint:" + strconv.FormatUint(uint64(x), 10), nil
	case float64:
		return "float:" + strconv.FormatFloat(x, 'g', -1, 64), nil
	case string:
		return encodeKeyString(x), nil
	case []byte:
		return "bytes:" + base64.StdEncoding.EncodeToString(x), nil
	case bool:
		return "bool:" + strconv.FormatBool(x), nil
	case time.Time:
		return encodeKeyTime(x), nil
	case [16]byte:
		return "uuid:" + uuid.UUID(x).String(), nil
	case uuid.UUID:
		return "uuid:" + x.String(), nil
	case sluice.Undecodable:
		return "undecodable:" + x.Charset + ":" + base64.StdEncoding.EncodeToString(x.Bytes), nil
	default:
		return "", fmt.Errorf("unsupported key type %T", v)
	}
}

// encodeKeyString keeps valid UTF-8 readable; JSON would replace invalid
// bytes with U+FFFD, so such strings go in base64.
func encodeKeyString(s string) string {
	if utf8.ValidString(s) {
		return "str:" + s
	}
	return "strx:" + base64.StdEncoding.EncodeToString([]byte(s))
}

func encodeKeyTime(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y >= 0 && y <= 9999 {
		return "time:" + t.Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("timeu:%d:%d", t.Unix(), t.Nanosecond())
}

// DecodeKey is the inverse of EncodeKey; "" decodes to nil.
func DecodeKey(s string) ([]any, error) {
	if s == "" {
		return nil, nil
	}
	var parts []string
	if err := json.Unmarshal([]byte(s), &parts); err != nil {
		return nil, fmt.Errorf("decode key %q: %w", s, err)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("decode key %q: no values", s)
	}
	key := make([]any, len(parts))
	for i, p := range parts {
		v, err := decodeKeyValue(p)
		if err != nil {
			return nil, fmt.Errorf("decode key %q part %d: %w", s, i+1, err)
		}
		key[i] = v
	}
	return key, nil
}

func decodeKeyValue(p string) (any, error) {
	if p == "null" {
		return nil, nil
	}
	tag, text, ok := strings.Cut(p, ":")
	if !ok {
		return nil, fmt.Errorf("no type tag in %q", p)
	}
	switch tag {
	case "int":
		return strconv.ParseInt(text, 10, 64)
	case "uint":
		return strconv.ParseUint(text, 10, 64)
	case "float":
		return decodeKeyFloat(text)
	case "str":
		return text, nil
	case "strx":
		b, err := base64.StdEncoding.Strict().DecodeString(text)
		return string(b), err
	case "bytes":
		return decodeKeyBytes(text)
	case "bool":
		return strconv.ParseBool(text)
	case "time":
		return time.Parse(time.RFC3339Nano, text)
	case "timeu":
		return decodeKeyUnixTime(text)
	case "uuid":
		return decodeKeyUUID(text)
	case "undecodable":
		return decodeKeyUndecodable(text)
	}
	return nil, fmt.Errorf("unknown type tag %q", tag)
}

func decodeKeyFloat(text string) (float64, error) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, err
	}
	return f, nil
}

// decodeKeyBytes returns a non-nil slice for an empty value, as []byte{} and
// a NULL differ.
func decodeKeyBytes(text string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(text)
	if b == nil && err == nil {
		b = []byte{}
	}
	return b, err
}

func decodeKeyUnixTime(text string) (time.Time, error) {
	secText, nsText, _ := strings.Cut(text, ":")
	sec, err := strconv.ParseInt(secText, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	ns, err := strconv.ParseInt(nsText, 10, 64)
	if err != nil || ns < 0 || ns >= 1e9 {
		return time.Time{}, fmt.Errorf("bad nanoseconds %q", nsText)
	}
	return time.Unix(sec, ns).UTC(), nil
}

func decodeKeyUUID(text string) ([16]byte, error) {
	u, err := uuid.Parse(text)
	return [16]byte(u), err
}

func decodeKeyUndecodable(text string) (sluice.Undecodable, error) {
	charset, encoded, ok := strings.Cut(text, ":")
	if !ok || charset == "" {
		return sluice.Undecodable{}, fmt.Errorf("no character set in %q", text)
	}
	b, err := decodeKeyBytes(encoded)
	return sluice.Undecodable{Charset: charset, Bytes: b}, err
}
