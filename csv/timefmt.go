package csvsrc

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// timeFormat is a date_format or timestamp_format: strftime-like directives
// (%Y %m %d %H %I %M %S %f %p %z %b %B %%) and literal text, matched
// exactly. Numbers other than %Y may have one digit or two (1/5/2024).
type timeFormat struct {
	text  string
	parts []timePart
	has   map[byte]bool
}

type timePart struct {
	directive byte   // 0 for literal text
	literal   string // directive 0
}

const timeDirectives = "YmdHIMSfpzbB%"

func parseTimeFormat(text string) (*timeFormat, error) {
	f := &timeFormat{text: text, has: map[byte]bool{}}
	var lit strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] != '%' {
			lit.WriteByte(text[i])
			continue
		}
		if i+1 >= len(text) || !strings.ContainsRune(timeDirectives, rune(text[i+1])) {
			return nil, fmt.Errorf("%q: %% must be followed by one of %s", text, spaced(timeDirectives))
		}
		i++
		if text[i] == '%' {
			lit.WriteByte('%')
			continue
		}
		if lit.Len() > 0 {
			f.parts = append(f.parts, timePart{literal: lit.String()})
			lit.Reset()
		}
		f.parts = append(f.parts, timePart{directive: text[i]})
		f.has[text[i]] = true
	}
	if lit.Len() > 0 {
		f.parts = append(f.parts, timePart{literal: lit.String()})
	}
	return f, f.check()
}

func spaced(s string) string {
	parts := make([]string, len(s))
	for i := range s {
		parts[i] = "%" + s[i:i+1]
	}
	return strings.Join(parts, " ")
}

func (f *timeFormat) check() error {
	switch {
	case !f.has['Y'] || !f.has['d'] || !(f.has['m'] || f.has['b'] || f.has['B']):
		return fmt.Errorf("%q: a format needs a year (%%Y), a month (%%m, %%b or %%B) and a day (%%d)", f.text)
	case f.has['I'] != f.has['p']:
		return fmt.Errorf("%q: a 12-hour clock (%%I) needs AM/PM (%%p), and %%p needs %%I", f.text)
	case f.has['H'] && f.has['I']:
		return fmt.Errorf("%q: %%H and %%I are two hours", f.text)
	}
	return nil
}

// timeValue is what a format read from a text.
type timeValue struct {
	year, month, day, hour, min, sec, nsec int
	pm, hasPM                              bool
	offset                                 int // seconds east of UTC
	hasOffset                              bool
	fracDigits                             int
}

// parse reads s, which must match the whole format.
func (f *timeFormat) parse(s string) (timeValue, error) {
	var v timeValue
	v.month, v.day = 1, 1
	rest := s
	for _, p := range f.parts {
		var err error
		if p.directive == 0 {
			if !strings.HasPrefix(rest, p.literal) {
				return v, fmt.Errorf("does not match %q", f.text)
			}
			rest = rest[len(p.literal):]
			continue
		}
		if rest, err = v.read(p.directive, rest); err != nil {
			return v, fmt.Errorf("does not match %q: %w", f.text, err)
		}
	}
	if rest != "" {
		return v, fmt.Errorf("does not match %q: %q is left over", f.text, rest)
	}
	if v.hasPM {
		if v.hour < 1 || v.hour > 12 {
			return v, fmt.Errorf("hour %d is not on a 12-hour clock", v.hour)
		}
		v.hour %= 12
		if v.pm {
			v.hour += 12
		}
	}
	return v, nil
}

func (v *timeValue) read(directive byte, s string) (string, error) {
	switch directive {
	case 'Y':
		return digits(s, 4, 4, &v.year)
	case 'm':
		return digits(s, 1, 2, &v.month)
	case 'd':
		return digits(s, 1, 2, &v.day)
	case 'H', 'I':
		return digits(s, 1, 2, &v.hour)
	case 'M':
		return digits(s, 1, 2, &v.min)
	case 'S':
		return digits(s, 1, 2, &v.sec)
	case 'f':
		return v.fraction(s)
	case 'p':
		return v.ampm(s)
	case 'z':
		return v.zone(s)
	}
	return v.monthName(s, directive == 'B')
}

// digits reads min to max ASCII digits into dst.
func digits(s string, min, max int, dst *int) (string, error) {
	n, i := 0, 0
	for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i < min {
		return s, errors.New("a number is missing")
	}
	*dst = n
	return s[i:], nil
}

func (v *timeValue) fraction(s string) (string, error) {
	i, ns := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if i < 9 {
			ns = ns*10 + int(s[i]-'0')
		} else if s[i] != '0' {
			return s, errors.New("a fraction of a second finer than nanoseconds")
		}
		i++
	}
	if i == 0 {
		return s, errors.New("a fraction of a second is missing")
	}
	for k := min(i, 9); k < 9; k++ {
		ns *= 10
	}
	v.nsec, v.fracDigits = ns, i
	return s[i:], nil
}

func (v *timeValue) ampm(s string) (string, error) {
	if len(s) >= 2 {
		switch strings.ToUpper(s[:2]) {
		case "AM":
			v.hasPM = true
			return s[2:], nil
		case "PM":
			v.pm, v.hasPM = true, true
			return s[2:], nil
		}
	}
	return s, errors.New("AM or PM is missing")
}

// zone reads Z, ±HH, ±HHMM or ±HH:MM.
func (v *timeValue) zone(s string) (string, error) {
	if strings.HasPrefix(s, "Z") || strings.HasPrefix(s, "z") {
		v.hasOffset = true
		return s[1:], nil
	}
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return s, errors.New("a time zone offset (Z or +HH:MM) is missing")
	}
	sign, rest := s[0], s[1:]
	var h, m int
	rest, err := digits(rest, 2, 2, &h)
	if err != nil {
		return s, errors.New("a time zone offset (Z or +HH:MM) is missing")
	}
	rest = strings.TrimPrefix(rest, ":")
	if r, err := digits(rest, 2, 2, &m); err == nil {
		rest = r
	}
	if h > 15 || m > 59 {
		return s, fmt.Errorf("time zone offset %s is out of range", s[:len(s)-len(rest)])
	}
	v.offset = h*3600 + m*60
	if sign == '-' {
		v.offset = -v.offset
	}
	v.hasOffset = true
	return rest, nil
}

var monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december"}

func (v *timeValue) monthName(s string, full bool) (string, error) {
	lower := strings.ToLower(s)
	for i, name := range monthNames {
		if !full {
			name = name[:3]
		}
		if strings.HasPrefix(lower, name) {
			v.month = i + 1
			return s[len(name):], nil
		}
	}
	return s, errors.New("a month name is missing")
}

// instant is the value as a time: in UTC, or at its offset turned into UTC.
// A day or time that does not exist (February 30, 24:00) is an error, never
// carried into the next day.
func (v timeValue) instant() (time.Time, error) {
	if v.month < 1 || v.month > 12 || v.hour > 23 || v.min > 59 || v.sec > 59 || v.year < 1 {
		return time.Time{}, errors.New("is not a real date and time")
	}
	t := time.Date(v.year, time.Month(v.month), v.day, v.hour, v.min, v.sec, v.nsec, time.UTC)
	if t.Day() != v.day || t.Month() != time.Month(v.month) {
		return time.Time{}, errors.New("is not a real date")
	}
	return t.Add(-time.Duration(v.offset) * time.Second), nil
}
