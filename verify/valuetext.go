package verify

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// text is the readable form of an encoded field of column i, for a finding.
// Both sides go through it, so equal values always read the same.
func (c *codec) text(i int, f field) string {
	switch {
	case f.null:
		return "NULL"
	case f.failed:
		return "<" + string(f.b) + ">"
	}
	oid := c.cols[i].oid
	switch oid {
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID, pgtype.JSONOID:
		return string(f.b)
	case pgtype.JSONBOID:
		return string(f.b[min(1, len(f.b)):])
	}
	t, ok := c.m.TypeForOID(oid)
	if !ok {
		return `\x` + hex.EncodeToString(f.b)
	}
	v, err := t.Codec.DecodeValue(c.m, oid, pgtype.BinaryFormatCode, f.b)
	if err != nil {
		return fmt.Sprintf("<%s %x: %v>", t.Name, f.b, err)
	}
	if oid == pgtype.NumericOID {
		return trimFraction(valueText(oid, v))
	}
	return valueText(oid, v)
}

// trimFraction drops a decimal's trailing fraction zeros: numerics are
// compared without their display scale, so they are shown without it.
func trimFraction(s string) string {
	if !strings.Contains(s, ".") || strings.ContainsAny(s, "eE") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// valueText writes a decoded value the way PostgreSQL would print it.
func valueText(oid uint32, v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case []byte:
		return `\x` + hex.EncodeToString(x)
	case [16]byte:
		return uuid.UUID(x).String()
	case time.Time:
		return timeText(oid, x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case driver.Valuer:
		dv, err := x.Value()
		if err != nil {
			return fmt.Sprintf("<%v>", err)
		}
		return valueText(oid, dv)
	}
	return fmt.Sprint(v)
}

func timeText(oid uint32, t time.Time) string {
	switch oid {
	case pgtype.DateOID:
		return t.Format("2006-01-02")
	case pgtype.TimestampOID:
		return t.Format("2006-01-02 15:04:05.999999")
	}
	return t.UTC().Format("2006-01-02 15:04:05.999999Z07:00")
}
