package cast

import (
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

const (
	microsPerSecond = 1_000_000
	microsPerDay    = 86_400 * microsPerSecond
)

// duration is "[-]H+:MM[:SS[.f...]]", MySQL's TIME: a time of day or an
// elapsed time of up to 838 hours.
type duration struct {
	neg        bool
	micros     int64 // absolute
	fracDigits int
}

// parseDuration reads the clock syntax; minutes and seconds must be below 60.
func parseDuration(s string) (duration, bool) {
	var d duration
	if strings.HasPrefix(s, "-") {
		d.neg, s = true, s[1:]
	}
	hours, rest := digitsAt(s, 0)
	if hours == "" || len(hours) > 9 {
		return d, false
	}
	var st stamp
	tail, ok := st.parseClock("00" + s[rest:])
	if !ok || tail != "" || st.minute > 59 || st.sec > 59 || st.fracDigits > 9 {
		return d, false
	}
	h, _ := number2(hours, 0, len(hours), true)
	seconds := int64(h)*3600 + int64(st.minute)*60 + int64(st.sec)
	d.micros = seconds*microsPerSecond + int64(st.nano/1000)
	d.fracDigits = st.fracDigits
	return d, true
}

// toTime converts to time(p), a time of day: values outside
// 00:00:00..23:59:59.999999 (MySQL TIME's durations) are rejected; a
// type: interval override keeps them.
func toTime(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case string:
			return timeFromText(x, t)
		case []byte:
			return timeFromText(string(x), t)
		case pgtype.Time:
			return timeFromMicros(x.Microseconds, t)
		}
		return nil, unsupported(v, t)
	}
}

func timeFromText(s string, t target) (any, error) {
	d, ok := parseDuration(s)
	switch {
	case !ok:
		return nil, rejectf("%s is not a time of day (HH:MM:SS)", quote(s))
	case d.neg && d.micros != 0 || d.micros >= microsPerDay:
		return nil, rejectf("%s is outside 00:00:00..23:59:59.999999", s)
	case d.fracDigits > t.n:
		return nil, tooPrecise(s, d.fracDigits, t)
	}
	return pgtype.Time{Microseconds: d.micros, Valid: true}, nil
}

func timeFromMicros(micros int64, t target) (any, error) {
	if micros < 0 || micros >= microsPerDay {
		return nil, rejectf("%d microseconds is outside 00:00:00..23:59:59.999999", micros)
	}
	if digits := nanoDigits(int(micros%microsPerSecond) * 1000); digits > t.n {
		return nil, rejectf("%d microseconds has %s, %s holds %d", micros, plural(digits, "fractional digit"), t.ddl, t.n)
	}
	return pgtype.Time{Microseconds: micros, Valid: true}, nil
}

// toInterval converts to interval: MySQL's "[-]HHH:MM:SS[.ffffff]", or
// PostgreSQL's own text ("1 year 2 mons 3 days 04:05:06") read by pgx.
func toInterval(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case string:
			return intervalFromText(x)
		case []byte:
			return intervalFromText(string(x))
		case pgtype.Interval:
			return x, nil
		case time.Duration:
			return intervalFromDuration(x)
		}
		return nil, unsupported(v, t)
	}
}

func intervalFromText(s string) (any, error) {
	if d, ok := parseDuration(s); ok {
		if d.fracDigits > 6 {
			return nil, rejectf("%s has %s, interval holds 6", s, plural(d.fracDigits, "fractional digit"))
		}
		if d.neg {
			d.micros = -d.micros
		}
		return pgtype.Interval{Microseconds: d.micros, Valid: true}, nil
	}
	if digits := longestFraction(s); digits > 6 {
		return nil, rejectf("%s has %s, interval holds 6", quote(s), plural(digits, "fractional digit"))
	}
	var iv pgtype.Interval
	if err := iv.Scan(s); err != nil {
		return nil, rejectf("%s is not an interval", quote(s))
	}
	return iv, nil
}

// longestFraction counts the significant digits after each '.', because pgx
// rounds an interval's fraction to microseconds.
func longestFraction(s string) int {
	longest := 0
	for i := strings.IndexByte(s, '.'); i >= 0; i = strings.IndexByte(s, '.') {
		frac, _ := digitsAt(s, i+1)
		longest = max(longest, len(strings.TrimRight(frac, "0")))
		s = s[i+1:]
	}
	return longest
}

func intervalFromDuration(d time.Duration) (any, error) {
	if d%time.Microsecond != 0 {
		return nil, rejectf("%s has nanoseconds, interval holds microseconds", d)
	}
	return pgtype.Interval{Microseconds: d.Microseconds(), Valid: true}, nil
}
