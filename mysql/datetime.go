package mysql

import (
	"strconv"
	"time"
)

// parseTime gives a time.Time in UTC, or the raw text for what is not a real
// date ("0000-00-00", or "2024-02-30" under ALLOW_INVALID_DATES): the
// zero_dates setting decides about those later. It reads MySQL's own text
// forms, "YYYY-MM-DD" and "YYYY-MM-DD HH:MM:SS[.ffffff]", by hand: it runs
// for millions of values, and time.Parse costs several times more.
func parseTime(raw []byte) any {
	if t, ok := parseDateTime(raw); ok {
		return t
	}
	return string(raw)
}

func parseDateTime(b []byte) (time.Time, bool) {
	if len(b) != 10 && (len(b) < 19 || b[10] != ' ') {
		return time.Time{}, false
	}
	y, ok1 := digits(b, 0, 4)
	mo, ok2 := digits(b, 5, 2)
	d, ok3 := digits(b, 8, 2)
	if !ok1 || !ok2 || !ok3 || b[4] != '-' || b[7] != '-' || !realDate(y, mo, d) {
		return time.Time{}, false
	}
	if len(b) == 10 {
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
	}
	h, ok1 := digits(b, 11, 2)
	mi, ok2 := digits(b, 14, 2)
	s, ok3 := digits(b, 17, 2)
	ns, ok4 := fraction(b[19:])
	if !ok1 || !ok2 || !ok3 || !ok4 || b[13] != ':' || b[16] != ':' || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC), true
}

// realDate rejects month or day 0 and days past the month's end, which
// time.Date would silently roll over into the next month.
func realDate(y, m, d int) bool {
	if y < 1 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func digits(b []byte, at, n int) (int, bool) {
	v := 0
	for _, c := range b[at : at+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// fraction reads ".f" to ".fffffffff" as nanoseconds; "" is zero.
func fraction(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, true
	}
	if b[0] != '.' || len(b) < 2 || len(b) > 10 {
		return 0, false
	}
	v, ok := digits(b, 1, len(b)-1)
	for i := len(b) - 1; i < 9; i++ {
		v *= 10
	}
	return v, ok
}

// parseInteger gives int64, or uint64 for an unsigned value above MaxInt64.
// A tinyint(1) flag stays a number so that a 2 in it is rejected, not lost.
// Up to 18 digits are read by hand, without allocating.
func parseInteger(raw []byte) (any, error) {
	if n, ok := smallInt(raw); ok {
		return n, nil
	}
	s := string(raw)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	u, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return nil, &strconv.NumError{Func: "parse integer", Num: s, Err: err}
	}
	return u, nil
}

func smallInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}
