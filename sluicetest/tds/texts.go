package tds

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// valueText is the text CAST(v AS nvarchar) gives (the ISO forms for dates).
func valueText(v any, t ColType) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case Decimal:
		return x.String()
	case string:
		if f := t.family(); f == famChar || f == famText {
			return decodeCodePage(x, t.Collation)
		}
		return x
	case []byte:
		return string(x)
	case time.Time:
		return timeText(x, t)
	case time.Duration:
		return clockText(x, t.Scale)
	case GUID:
		return x.String()
	case UDT:
		return x.Text
	case Variant:
		return valueText(x.Value, x.Type)
	}
	return fmt.Sprint(v)
}

func timeText(x time.Time, t ColType) string {
	switch t.Name {
	case "date":
		return x.Format("2006-01-02")
	case "datetime":
		ms := datetimeTicks(sinceMidnight(x)) * 1000 / 300
		return x.Format("2006-01-02 15:04:05") + fmt.Sprintf(".%03d", ms%1000)
	case "smalldatetime":
		return x.Format("2006-01-02 15:04:05")
	case "datetimeoffset":
		return x.Format("2006-01-02 ") + clockText(sinceMidnight(x), t.Scale) + x.Format(" -07:00")
	}
	return x.Format("2006-01-02 ") + clockText(sinceMidnight(x), t.Scale)
}

// clockText writes a time of day with scale fractional digits.
func clockText(d time.Duration, scale int) string {
	s := fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	if scale > 0 {
		frac := fmt.Sprintf("%09d", d%time.Second)
		s += "." + frac[:scale]
	}
	return s
}

var dateTimeText = regexp.MustCompile(`^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:\d{2})?$`)
var clockOnlyText = regexp.MustCompile(`^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?$`)

// parseDateTime reads the date and time texts SQL Server accepts in
// fixtures: yyyy-mm-dd, yyyy/m/d, yyyymmdd, then an optional time of day
// with up to seven fractional digits and an optional offset. hasZone
// reports an offset; without one, the time is taken as UTC.
func parseDateTime(s string) (t time.Time, hasZone bool, err error) {
	s = strings.TrimSpace(s)
	m := dateTimeText.FindStringSubmatch(s)
	if m == nil {
		if c := clockOnlyText.FindStringSubmatch(s); c != nil {
			d := clockParts(c[1], c[2], c[3], c[4])
			return sqlEpoch.Add(d), false, nil
		}
		return time.Time{}, false, fmt.Errorf("%q is not a date or time", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	loc := time.UTC
	if m[8] != "" && m[8] != "Z" {
		h, _ := strconv.Atoi(m[8][1:3])
		mi, _ := strconv.Atoi(m[8][4:6])
		off := (h*60 + mi) * 60
		if m[8][0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	t = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc).Add(clockParts(m[4], m[5], m[6], m[7]))
	if t.Month() != time.Month(mo) || t.Day() != d && m[4] == "" {
		return time.Time{}, false, fmt.Errorf("%q is not a valid date", s)
	}
	return t, m[8] != "", nil
}

func clockParts(h, mi, sec, frac string) time.Duration {
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(mi)
	ss, _ := strconv.Atoi(sec)
	ns, _ := strconv.Atoi((frac + "000000000")[:9])
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second + time.Duration(ns)
}

// parseDecimal reads a number's text exactly.
func parseDecimal(s string) (*big.Rat, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return r, nil
}
