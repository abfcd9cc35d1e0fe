package cast

import (
	"strings"
	"time"
)

// stamp is a date, and maybe a time of day and a UTC offset, as text wrote it:
// "YYYY-MM-DD[( |T)HH:MM[:SS[.fffffffff]]][Z|±HH[[:]MM]]". Its fields are
// kept as written, so that an impossible date can be told from a bad text.
type stamp struct {
	year, month, day   int
	hour, minute, sec  int
	nano               int
	fracDigits         int // significant fractional digits of the seconds
	hasTime, hasOffset bool
	offset             int // seconds east of UTC
}

// parseStamp reads the syntax only; valid and impossible judge the values.
func parseStamp(s string) (stamp, bool) {
	var st stamp
	ok := len(s) >= 10 && s[4] == '-' && s[7] == '-'
	st.year, ok = number2(s, 0, 4, ok)
	st.month, ok = number2(s, 5, 2, ok)
	st.day, ok = number2(s, 8, 2, ok)
	if !ok {
		return st, false
	}
	rest := s[10:]
	if rest == "" {
		return st, true
	}
	if rest[0] != ' ' && rest[0] != 'T' {
		return st, false
	}
	rest, ok = st.parseClock(rest[1:])
	if !ok {
		return st, false
	}
	return st, st.parseOffset(rest)
}

// number2 reads n ASCII digits at s[i:], carrying the failure of earlier reads.
func number2(s string, i, n int, ok bool) (int, bool) {
	if !ok || i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseClock reads HH:MM[:SS[.f...]] and returns what follows it.
func (st *stamp) parseClock(s string) (string, bool) {
	ok := len(s) >= 5 && s[2] == ':'
	st.hour, ok = number2(s, 0, 2, ok)
	st.minute, ok = number2(s, 3, 2, ok)
	if !ok {
		return s, false
	}
	st.hasTime, s = true, s[5:]
	if len(s) < 3 || s[0] != ':' {
		return s, true
	}
	if st.sec, ok = number2(s, 1, 2, true); !ok {
		return s, false
	}
	s = s[3:]
	if s == "" || s[0] != '.' {
		return s, true
	}
	frac, end := digitsAt(s, 1)
	if frac == "" {
		return s, false
	}
	st.nano, st.fracDigits = fraction(frac)
	return s[end:], true
}

// fraction reads fractional-second digits into nanoseconds, and counts the
// significant ones; digits beyond the ninth count but cannot be kept.
func fraction(frac string) (nano, significant int) {
	significant = len(strings.TrimRight(frac, "0"))
	padded := (frac + "000000000")[:9]
	for _, c := range []byte(padded) {
		nano = nano*10 + int(c-'0')
	}
	return nano, significant
}

// parseOffset reads the rest: nothing, Z, or ±HH, ±HHMM, ±HH:MM.
func (st *stamp) parseOffset(s string) bool {
	switch {
	case s == "":
		return true
	case s == "Z":
		st.hasOffset = true
		return true
	case s[0] != '+' && s[0] != '-':
		return false
	}
	var h, m int
	var ok bool
	switch {
	case len(s) == 3:
		h, ok = number2(s, 1, 2, true)
	case len(s) == 5:
		h, ok = number2(s, 1, 2, true)
		m, ok = number2(s, 3, 2, ok)
	case len(s) == 6 && s[3] == ':':
		h, ok = number2(s, 1, 2, true)
		m, ok = number2(s, 4, 2, ok)
	}
	st.hasOffset, st.offset = true, (h*3600+m*60)*sign(s[0])
	return ok && h <= 15 && m <= 59
}

func sign(c byte) int {
	if c == '-' {
		return -1
	}
	return 1
}

// impossible names a date that does not exist: MySQL's zero dates
// (0000-00-00, or a zero month or day), and a day beyond its month.
func (st stamp) impossible() string {
	switch {
	case st.month == 0 || st.day == 0:
		return "zero date"
	case st.year == 0 || st.month > 12 || st.day > daysIn(st.year, st.month):
		return "impossible date"
	}
	return ""
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// validClock reports whether the time of day exists (no leap seconds, as in
// PostgreSQL's timestamps).
func (st stamp) validClock() bool {
	return st.hour <= 23 && st.minute <= 59 && st.sec <= 59
}

func (st stamp) midnight() bool {
	return st.hour == 0 && st.minute == 0 && st.sec == 0 && st.nano == 0 && st.fracDigits == 0
}

// utc is the instant; a stamp without an offset is read as UTC.
func (st stamp) utc() time.Time {
	t := time.Date(st.year, time.Month(st.month), st.day, st.hour, st.minute, st.sec, st.nano, time.UTC)
	return t.Add(-time.Duration(st.offset) * time.Second)
}
