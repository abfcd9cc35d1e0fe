package csvsrc

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
)

// column is one column of a table: its type and how a field becomes a value
// of it, as the RowIter contract asks for its Kind.
type column struct {
	name    string
	typ     sluice.Type
	notNull bool
	read    func(string) (any, string) // the value, or why the text is not one
}

// newColumn prepares the reading of a column of type t under dialect d.
func newColumn(name string, t sluice.Type, notNull bool, d *dialect) (column, error) {
	c := column{name: name, typ: t, notNull: notNull}
	var err error
	c.read, err = reader(t, d)
	return c, err
}

func reader(t sluice.Type, d *dialect) (func(string) (any, string), error) {
	switch t.Kind {
	case sluice.KindInt:
		return intReader(t.Bits), nil
	case sluice.KindBool:
		return readBool, nil
	case sluice.KindDate:
		return dateReader(d.date), nil
	case sluice.KindTimestamp, sluice.KindTimestampTZ:
		return stampReader(t, d.stamp)
	case sluice.KindTime:
		return timeReader(fractionDigits(t)), nil
	case sluice.KindBytes:
		return readBytes, nil
	case sluice.KindUUID:
		return readUUID, nil
	case sluice.KindJSON:
		return readJSON, nil
	}
	return castReader(t) // text, varchar(n), numeric, floats: the cast's own checks
}

// castReader checks a field with the cast the load itself applies to it, so
// that the source and the target agree on what fits, and yields the text
// (decimals, strings) or the number (floats) the contract asks for.
func castReader(t sluice.Type) (func(string) (any, string), error) {
	check, err := cast.For(sluice.Type{Kind: sluice.KindText}, pgName(t), cast.Options{})
	if err != nil {
		return nil, err
	}
	float := t.Kind == sluice.KindFloat
	fast := fastCheck(t)
	return func(s string) (any, string) {
		if float && !floatText(s) {
			return nil, quoted(s) + " is not a number"
		}
		if fast != nil && fast(s) {
			return s, ""
		}
		if _, err := check(s); err != nil {
			return nil, quoted(s) + ": " + err.Error()
		}
		if float {
			f, _ := strconv.ParseFloat(s, 64)
			return f, ""
		}
		return s, ""
	}, nil
}

// fastCheck accepts, without the cast's general parse, the common values
// it would accept: valid UTF-8 text without NUL within its length, and plain
// decimals within numeric(p,s). What it does not accept goes to the cast,
// which accepts or explains.
func fastCheck(t sluice.Type) func(string) bool {
	switch t.Kind {
	case sluice.KindText:
		return plainText
	case sluice.KindString:
		return func(s string) bool {
			return plainText(s) && (len(s) <= t.Length || utf8.RuneCountInString(s) <= t.Length)
		}
	case sluice.KindDecimal:
		return func(s string) bool { return plainDecimal(s, t.Precision, t.Scale) }
	}
	return nil
}

func plainText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// plainDecimal accepts [-]digits[.digits] with at most p-s integer digits
// (leading zeros aside) and s decimal places; p 0 is unconstrained.
func plainDecimal(s string, p, scale int) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return false
	}
	if p == 0 {
		return len(whole) < 1000 && len(frac) < 1000
	}
	return len(strings.TrimLeft(whole, "0")) <= p-scale && len(frac) <= scale
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pgName is the PostgreSQL type the cast checks a text, decimal or float
// field against.
func pgName(t sluice.Type) string {
	switch t.Kind {
	case sluice.KindString:
		return fmt.Sprintf("varchar(%d)", t.Length)
	case sluice.KindDecimal:
		if t.Precision > 0 {
			return fmt.Sprintf("numeric(%d,%d)", t.Precision, t.Scale)
		}
		return "numeric"
	case sluice.KindFloat:
		if t.Bits == 32 {
			return "real"
		}
		return "double precision"
	}
	return "text"
}

// floatText accepts decimal notation and PostgreSQL's special values, not
// Go's hexadecimal floats or digit separators.
func floatText(s string) bool {
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case "nan", "infinity", "inf":
		return true
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789+-.eE", c) {
			return false
		}
	}
	return s != ""
}

// quoted shows a field in a reason, shortened.
func quoted(s string) string {
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return strconv.Quote(s)
}

func intReader(bits int) func(string) (any, string) {
	return func(s string) (any, string) {
		n, err := strconv.ParseInt(s, 10, bits)
		if err == nil {
			return n, ""
		}
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return nil, fmt.Sprintf("%s is out of range for a %d-bit integer", quoted(s), bits)
		}
		return nil, quoted(s) + " is not an integer"
	}
}

var boolWords = map[string]bool{
	"true": true, "t": true, "yes": true, "y": true, "1": true, "on": true,
	"false": false, "f": false, "no": false, "n": false, "0": false, "off": false,
}

func readBool(s string) (any, string) {
	if b, ok := boolWords[strings.ToLower(s)]; ok {
		return b, ""
	}
	return nil, quoted(s) + " is not a boolean (true/false, t/f, yes/no, y/n, 1/0, on/off)"
}

func dateReader(f *timeFormat) func(string) (any, string) {
	return func(s string) (any, string) {
		v, err := parseDate(s, f)
		if err != nil {
			return nil, quoted(s) + " is not a date: " + err.Error()
		}
		if v.hour != 0 || v.min != 0 || v.sec != 0 || v.nsec != 0 {
			return nil, quoted(s) + " has a time of day; declare the column timestamp"
		}
		t, err := v.instant()
		if err != nil {
			return nil, quoted(s) + " " + err.Error()
		}
		return t, ""
	}
}

func stampReader(t sluice.Type, f *timeFormat) (func(string) (any, string), error) {
	zoned := t.Kind == sluice.KindTimestampTZ
	if f != nil && zoned && !f.has['z'] {
		return nil, fmt.Errorf("timestamp_format %q has no time zone offset (%%z), which a timestamptz column needs", f.text)
	}
	digits := fractionDigits(t)
	return func(s string) (any, string) {
		v, err := parseStamp(s, f, zoned)
		if err != nil {
			return nil, quoted(s) + " is not a " + t.Raw + ": " + err.Error()
		}
		if why := v.tooPrecise(digits); why != "" {
			return nil, quoted(s) + " " + why
		}
		x, err := v.instant()
		if err != nil {
			return nil, quoted(s) + " " + err.Error()
		}
		return x, ""
	}, nil
}

// tooPrecise says why a fraction of a second has more digits than the type
// keeps (PostgreSQL would round it).
func (v timeValue) tooPrecise(digits int) string {
	unit := int(math.Pow10(9 - digits))
	if v.nsec%unit != 0 {
		return fmt.Sprintf("has more than %d fractional digits of a second", digits)
	}
	return ""
}

func timeReader(digits int) func(string) (any, string) {
	return func(s string) (any, string) {
		v, err := parseClock(s)
		if err != nil {
			return nil, quoted(s) + " is not a time of day (HH:MM[:SS[.ffffff]]): " + err.Error()
		}
		if why := v.tooPrecise(digits); why != "" {
			return nil, quoted(s) + " " + why
		}
		text := fmt.Sprintf("%02d:%02d:%02d", v.hour, v.min, v.sec)
		if v.nsec > 0 {
			text += strings.TrimRight(fmt.Sprintf(".%09d", v.nsec), "0")
		}
		return text, ""
	}
}

// readBytes reads hexadecimal, with or without PostgreSQL's \x or a 0x.
func readBytes(s string) (any, string) {
	h := s
	if rest, ok := strings.CutPrefix(h, `\x`); ok {
		h = rest
	} else if rest, ok := strings.CutPrefix(h, "0x"); ok {
		h = rest
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, quoted(s) + " is not hexadecimal bytes (\\xDEADBEEF)"
	}
	return b, ""
}

func readUUID(s string) (any, string) {
	u, err := uuid.Parse(s)
	if err != nil {
		return nil, quoted(s) + " is not a UUID"
	}
	return [16]byte(u), ""
}

func readJSON(s string) (any, string) {
	if !json.Valid([]byte(s)) {
		return nil, quoted(s) + " is not JSON"
	}
	return s, ""
}

// ISO 8601 forms read when no format is configured.
var (
	isoDate  = mustTimeFormat("%Y-%m-%d")
	isoStamp = []*timeFormat{
		mustTimeFormat("%Y-%m-%d %H:%M:%S"), mustTimeFormat("%Y-%m-%dT%H:%M:%S"),
		mustTimeFormat("%Y-%m-%d %H:%M"), mustTimeFormat("%Y-%m-%dT%H:%M"),
	}
)

func mustTimeFormat(text string) *timeFormat {
	f, err := parseTimeFormat(text)
	if err != nil {
		panic(err) // a constant of this file
	}
	return f
}

// parseDate reads a date: with the configured format, else strictly
// YYYY-MM-DD.
func parseDate(s string, f *timeFormat) (timeValue, error) {
	if f != nil {
		return f.parse(s)
	}
	if v, ok := fastISO(s); ok && len(s) == 10 {
		return v, nil
	}
	if len(s) != 10 {
		return timeValue{}, fmt.Errorf("does not match YYYY-MM-DD")
	}
	return isoDate.parse(s)
}

// fastISO reads the two common ISO forms at fixed positions,
// YYYY-MM-DD and YYYY-MM-DD HH:MM:SS; false leaves the text to the general
// parse, which explains what is wrong.
func fastISO(s string) (timeValue, bool) {
	v := timeValue{}
	if len(s) != 10 && len(s) != 19 || s[4] != '-' || s[7] != '-' {
		return v, false
	}
	fields := []struct {
		at  int
		dst *int
	}{{0, &v.year}, {5, &v.month}, {8, &v.day}}
	if len(s) == 19 {
		if s[10] != ' ' && s[10] != 'T' || s[13] != ':' || s[16] != ':' {
			return v, false
		}
		fields = append(fields, []struct {
			at  int
			dst *int
		}{{11, &v.hour}, {14, &v.min}, {17, &v.sec}}...)
	}
	for _, f := range fields {
		width := 2
		if f.at == 0 {
			width = 4
		}
		if !allDigits(s[f.at : f.at+width]) {
			return v, false
		}
		*f.dst, _ = strconv.Atoi(s[f.at : f.at+width])
	}
	return v, true
}

// parseStamp reads a timestamp with the configured format, else ISO 8601:
// YYYY-MM-DD, a space or T, HH:MM[:SS[.fraction]], and for timestamptz an
// offset (Z, +HH, +HH:MM), which a timestamp without time zone must not have.
func parseStamp(s string, f *timeFormat, zoned bool) (timeValue, error) {
	if f != nil {
		return f.parse(s)
	}
	if v, ok := fastISO(s); ok && !zoned {
		return v, nil
	}
	body, zone := splitZone(s)
	switch {
	case zoned && zone == "":
		return timeValue{}, fmt.Errorf("has no time zone offset (Z or +HH:MM)")
	case !zoned && zone != "":
		return timeValue{}, fmt.Errorf("has a time zone offset; declare the column timestamptz")
	}
	v, err := isoBody(body)
	if err != nil {
		return v, err
	}
	if zone != "" {
		if _, err := v.zone(zone); err != nil || !v.hasOffset {
			return v, fmt.Errorf("time zone %q is not an offset", zone)
		}
	}
	return v, nil
}

func isoBody(body string) (timeValue, error) {
	if len(body) == len("2006-01-02") {
		return isoDate.parse(body) // a date alone is its midnight, as PostgreSQL reads it
	}
	frac := ""
	if i := strings.LastIndexByte(body, '.'); i > 0 {
		body, frac = body[:i], body[i+1:]
	}
	for _, f := range isoStamp {
		if len(body) != len(f.text)+2 { // two digits for each directive but %Y, which has four
			continue
		}
		v, err := f.parse(body)
		switch {
		case err != nil:
			continue
		case frac == "":
			return v, nil
		case !f.has['S']:
			return v, errors.New("a fraction of a second needs seconds")
		}
		if rest, err := v.fraction(frac); err != nil || rest != "" {
			return v, errors.New("bad fraction of a second")
		}
		return v, nil
	}
	return timeValue{}, errors.New("does not match YYYY-MM-DD HH:MM[:SS[.fraction]]")
}

// splitZone separates a trailing Z or +HH[:MM] / -HH[:MM] offset.
func splitZone(s string) (body, zone string) {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return s[:len(s)-1], s[len(s)-1:]
	}
	if len(s) > 10 {
		if i := strings.LastIndexAny(s[10:], "+-"); i >= 0 {
			return s[:10+i], s[10+i:]
		}
	}
	return s, ""
}

// parseClock reads HH:MM[:SS[.fraction]].
func parseClock(s string) (timeValue, error) {
	var v timeValue
	frac := ""
	if i := strings.IndexByte(s, '.'); i > 0 {
		s, frac = s[:i], s[i+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return v, fmt.Errorf("wrong form")
	}
	dst := []*int{&v.hour, &v.min, &v.sec}
	for i, p := range parts {
		if len(p) != 2 {
			return v, fmt.Errorf("wrong form")
		}
		if _, err := digits(p, 2, 2, dst[i]); err != nil {
			return v, err
		}
	}
	if frac != "" {
		if len(parts) < 3 {
			return v, fmt.Errorf("a fraction of a second needs seconds")
		}
		if rest, err := v.fraction(frac); err != nil || rest != "" {
			return v, fmt.Errorf("bad fraction of a second")
		}
	}
	if v.hour > 23 || v.min > 59 || v.sec > 59 {
		return v, fmt.Errorf("out of range")
	}
	return v, nil
}
