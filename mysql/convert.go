package mysql

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/sluicedb/sluice"
)

// dateTimeLayout accepts an optional fraction of up to nine digits.
const dateTimeLayout = "2006-01-02 15:04:05.999999999"

// convert turns one value of the text protocol into the Go type source.go
// documents for its Kind. raw belongs to the driver: everything returned is
// a copy. nil is NULL; an empty non-nil slice is an empty value.
func convert(t sluice.Type, raw []byte) (any, error) {
	if raw == nil {
		return nil, nil
	}
	switch t.Kind {
	case sluice.KindBool, sluice.KindInt, sluice.KindYear:
		return parseInteger(raw)
	case sluice.KindFloat:
		return strconv.ParseFloat(string(raw), 64)
	case sluice.KindBytes, sluice.KindBit, sluice.KindOther:
		return bytes.Clone(raw), nil
	case sluice.KindDate:
		return parseTime(time.DateOnly, raw), nil
	case sluice.KindTimestamp, sluice.KindTimestampTZ:
		return parseTime(dateTimeLayout, raw), nil
	}
	// decimal (exact text), strings, text, enum, set, json, time, uuid: the
	// bytes as they are, not checked for UTF-8 here.
	return string(raw), nil
}

// parseInteger gives int64, or uint64 for an unsigned value above MaxInt64.
// A tinyint(1) flag stays a number so that a 2 in it is rejected, not lost.
func parseInteger(raw []byte) (any, error) {
	s := string(raw)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	u, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("parse integer %q: %w", s, err)
	}
	return u, nil
}

// parseTime gives a time.Time in UTC, or the raw text for what is not a real
// date ("0000-00-00", or "2024-02-30" under ALLOW_INVALID_DATES): the
// zero_dates setting decides about those later.
func parseTime(layout string, raw []byte) any {
	t, err := time.ParseInLocation(layout, string(raw), time.UTC)
	if err != nil {
		return string(raw)
	}
	return t
}
