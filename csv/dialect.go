package csvsrc

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Defaults of Format.
const (
	defaultMaxRecord = 64 << 20
	defaultSample    = 1000
	minMaxRecord     = 1 << 10
	maxMaxRecord     = 1 << 30
	maxSample        = 1_000_000
)

// dialect is a Format resolved and checked: what the scanner and the value
// readers use.
type dialect struct {
	delim, quote, escape byte
	quoting, escaping    bool
	enc                  *encoding
	null                 []string
	header               bool
	date, stamp          *timeFormat // nil: ISO 8601
	maxRecord            int
	sample               int
	// unquoted and quoted mark the bytes the scanner stops at.
	unquoted, quoted [256]bool
}

// resolve checks f (with the defaults filled in) and returns the dialect;
// each problem goes to report with the setting's key.
func resolve(f Format, defaultDelim string, report func(key, msg string)) *dialect {
	d := &dialect{delim: ',', quote: '"', quoting: true, enc: utf8Encoding, null: []string{""}, header: true,
		maxRecord: defaultMaxRecord, sample: defaultSample}
	if defaultDelim != "" {
		d.delim = defaultDelim[0]
	}
	if f.Delimiter != nil {
		if c, ok := char(tabWord(*f.Delimiter), false, func(msg string) { report("delimiter", msg) }); ok {
			d.delim = c
		}
	}
	if f.Quote != nil {
		d.quote, d.quoting = char(*f.Quote, true, func(msg string) { report("quote", msg) })
	}
	if f.Escape != nil {
		d.escape, d.escaping = char(*f.Escape, true, func(msg string) { report("escape", msg) })
	}
	d.checkChars(report)
	d.resolveText(f, report)
	d.resolveLimits(f, report)
	d.marks()
	return d
}

// tabWord lets a tab be written as \t or "tab", where a real tab is hard to
// type (a single-quoted YAML string, a URL).
func tabWord(s string) string {
	if s == `\t` || strings.EqualFold(s, "tab") {
		return "\t"
	}
	return s
}

// char reads a one-character setting; "" (where allowed) turns it off.
func char(s string, mayBeEmpty bool, report func(string)) (byte, bool) {
	switch {
	case s == "" && mayBeEmpty:
		return 0, false
	case len(s) != 1 || s[0] >= 0x80:
		report(fmt.Sprintf("must be one ASCII character, got %s", strconv.Quote(s)))
	case s == "\n" || s == "\r":
		report("must not be a line break")
	default:
		return s[0], true
	}
	return 0, false
}

func (d *dialect) checkChars(report func(key, msg string)) {
	if d.quoting && d.quote == d.delim {
		report("quote", "must differ from the delimiter")
	}
	if d.escaping && d.escape == d.delim {
		report("escape", "must differ from the delimiter")
	}
	if d.escaping && d.quoting && d.escape == d.quote {
		d.escaping = false // a quote escapes itself: that is the doubled-quote rule
	}
}

func (d *dialect) resolveText(f Format, report func(key, msg string)) {
	if f.Encoding != nil {
		if e, ok := lookupEncoding(*f.Encoding); ok {
			d.enc = e
		} else {
			report("encoding", fmt.Sprintf("unknown encoding %s (known: %s)", strconv.Quote(*f.Encoding), encodingNames()))
		}
	}
	d.checkMultiByte(report)
	if f.Null != nil {
		d.null = f.Null
	}
	if f.Header != nil {
		d.header = *f.Header
	}
	var err error
	if f.DateFormat != nil {
		if d.date, err = parseTimeFormat(*f.DateFormat); err != nil {
			report("date_format", err.Error())
		}
	}
	if f.TimestampFormat != nil {
		if d.stamp, err = parseTimeFormat(*f.TimestampFormat); err != nil {
			report("timestamp_format", err.Error())
		}
	}
}

// checkMultiByte refuses a delimiter, quote or escape that may be the later
// byte of a character in a multi-byte set (a backslash is one in Shift JIS).
func (d *dialect) checkMultiByte(report func(key, msg string)) {
	if !d.enc.multiByte() {
		return
	}
	for _, c := range []struct {
		key string
		b   byte
		on  bool
	}{{"delimiter", d.delim, true}, {"quote", d.quote, d.quoting}, {"escape", d.escape, d.escaping}} {
		if c.on && c.b >= 0x40 {
			report(c.key, fmt.Sprintf("%q may be the second byte of a %s character: with a multi-byte encoding choose a character below '@' (a comma, semicolon, tab, quote)", c.b, d.enc.name))
		}
	}
}

func (d *dialect) resolveLimits(f Format, report func(key, msg string)) {
	if n := f.MaxRecordBytes; n != 0 {
		if n < minMaxRecord || n > maxMaxRecord {
			report("max_record_bytes", fmt.Sprintf("must be between %d and %d, got %d", minMaxRecord, maxMaxRecord, n))
		} else {
			d.maxRecord = n
		}
	}
	if n := f.SampleRows; n != 0 {
		if n < 1 || n > maxSample {
			report("sample_rows", fmt.Sprintf("must be between 1 and %d, got %d", maxSample, n))
		} else {
			d.sample = n
		}
	}
}

func (d *dialect) marks() {
	d.unquoted['\n'], d.unquoted['\r'], d.unquoted[d.delim] = true, true, true
	if d.quoting {
		d.unquoted[d.quote], d.quoted[d.quote] = true, true
	}
	if d.escaping {
		d.unquoted[d.escape], d.quoted[d.escape] = true, true
	}
}

// indexUnquoted is the index of the first byte an unquoted field stops at.
func (d *dialect) indexUnquoted(b []byte) int {
	for i, c := range b {
		if d.unquoted[c] {
			return i
		}
	}
	return -1
}

// indexQuoted is the index of the first quote or escape.
func (d *dialect) indexQuoted(b []byte) int {
	for i, c := range b {
		if d.quoted[c] {
			return i
		}
	}
	return -1
}

// isNull reports an unquoted field that the dialect reads as NULL.
func (d *dialect) isNull(text string, quoted bool) bool {
	return !quoted && slices.Contains(d.null, text)
}

// describe is the dialect as text: part of the table's mapping, so that a
// change in how the file is read reloads it.
func (d *dialect) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "encoding=%s delimiter=%q", d.enc.name, d.delim)
	if d.quoting {
		fmt.Fprintf(&b, " quote=%q", d.quote)
	}
	if d.escaping {
		fmt.Fprintf(&b, " escape=%q", d.escape)
	}
	fmt.Fprintf(&b, " null=%q header=%t max_record_bytes=%d", d.null, d.header, d.maxRecord)
	if d.date != nil {
		fmt.Fprintf(&b, " date_format=%q", d.date.text)
	}
	if d.stamp != nil {
		fmt.Fprintf(&b, " timestamp_format=%q", d.stamp.text)
	}
	return b.String()
}
