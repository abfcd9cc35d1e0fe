package cast

import (
	"time"

	"github.com/sluicedb/sluice"
)

// Year limits of PostgreSQL (Go counts 1 BC as year 0, so 4713 BC is -4712).
const (
	minYear          = -4712
	maxTimestampYear = 294275
	maxDateYear      = 5874896
)

// toDate converts to date, as a time.Time at midnight UTC.
func toDate(_ sluice.Type, t target, opts Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case time.Time:
			return keepTime(v, x, checkDate(x.UTC(), t))
		case string:
			return dateFromText(x, t, opts)
		case []byte:
			return dateFromText(string(x), t, opts)
		}
		return nil, unsupported(v, t)
	}
}

// toTimestamp converts to timestamp(p) or timestamptz(p), as a time.Time in
// UTC. Text without an offset is read as UTC.
func toTimestamp(_ sluice.Type, t target, opts Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case time.Time:
			return keepTime(v, x, checkTimestamp(x.UTC(), t))
		case string:
			return timestampFromText(x, t, opts)
		case []byte:
			return timestampFromText(string(x), t, opts)
		}
		return nil, unsupported(v, t)
	}
}

func checkDate(u time.Time, t target) error {
	if u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 || u.Nanosecond() != 0 {
		return rejectf("%s has a time of day, %s holds none", timeText(u, sluice.KindTimestamp), t.ddl)
	}
	return inYears(u, t, maxDateYear)
}

func checkTimestamp(u time.Time, t target) error {
	if digits := nanoDigits(u.Nanosecond()); digits > t.n {
		return tooPrecise(timeText(u, sluice.KindTimestamp), digits, t)
	}
	return inYears(u, t, maxTimestampYear)
}

func inYears(u time.Time, t target, maxYear int) error {
	if y := u.Year(); y < minYear || y > maxYear {
		return rejectf("year %d is out of range for %s", y, t.ddl)
	}
	return nil
}

// keepTime returns the caller's own value when it is in UTC already, which
// spares an allocation on the hot path, else the time in UTC.
func keepTime(v any, x time.Time, err error) (any, error) {
	switch {
	case err != nil:
		return nil, err
	case x.Location() == time.UTC:
		return v, nil
	}
	return x.UTC(), nil
}

func dateFromText(s string, t target, opts Options) (any, error) {
	st, err := readStamp(s, t, "a date (YYYY-MM-DD)")
	if st == nil {
		return nil, zeroDate(err, opts)
	}
	switch {
	case st.hasOffset:
		return nil, rejectf("%s has a UTC offset, %s holds none", quote(s), t.ddl)
	case !st.midnight():
		return nil, rejectf("%s has a time of day, %s holds none", quote(s), t.ddl)
	}
	return st.utc(), nil
}

func timestampFromText(s string, t target, opts Options) (any, error) {
	st, err := readStamp(s, t, "a timestamp (YYYY-MM-DD HH:MM:SS)")
	if st == nil {
		return nil, zeroDate(err, opts)
	}
	switch {
	case st.hasOffset && t.base == "timestamp":
		return nil, rejectf("%s has a UTC offset, %s holds none", quote(s), t.ddl)
	case st.fracDigits > t.n:
		return nil, tooPrecise(quote(s), st.fracDigits, t)
	}
	return st.utc(), nil
}

// readStamp parses and judges date text. It returns a nil stamp with the
// reason when the text is not a real date; a *zeroError is a date that
// config's zero_dates decides on.
func readStamp(s string, t target, what string) (*stamp, error) {
	st, ok := parseStamp(s)
	if !ok {
		return nil, rejectf("%s is not %s", quote(s), what)
	}
	if kind := st.impossible(); kind != "" {
		return nil, &zeroError{rejectf("%s %s", kind, s)}
	}
	if !st.validClock() {
		return nil, rejectf("%s has an invalid time of day", quote(s))
	}
	return &st, nil
}

// zeroError marks the rejection of a zero or impossible date.
type zeroError struct{ error }

// zeroDate turns the rejection of a zero date into NULL when the config says so.
func zeroDate(err error, opts Options) error {
	if z, ok := err.(*zeroError); ok {
		if opts.isZeroNull() {
			return nil
		}
		return z.error
	}
	return err
}

func tooPrecise(shown string, digits int, t target) error {
	return rejectf("%s has %s, %s holds %d", shown, plural(digits, "fractional digit"), t.ddl, t.n)
}

// nanoDigits counts the significant fractional digits of nanoseconds.
func nanoDigits(nano int) int {
	if nano == 0 {
		return 0
	}
	digits := 9
	for nano%10 == 0 {
		nano /= 10
		digits--
	}
	return digits
}
