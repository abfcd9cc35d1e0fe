package csvsrc

import (
	"regexp"
	"strconv"

	"github.com/sluicedb/sluice"
)

// guess narrows down what the sampled values of a column can be. A type is
// inferred only when every value fits it unambiguously: integers without
// leading zeros (an MRN "00123" stays text), booleans only as true/false,
// dates and timestamps in the configured formats (ISO 8601 by default).
// A later value that does not fit is rejected by the load, never widened.
type guess struct {
	seen                                           int
	notBool, notInt, notDecimal, notDate, notStamp bool
	notZoned                                       bool
}

var (
	integerText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
	decimalText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)\.[0-9]+$`)
)

func (g *guess) add(s string, d *dialect) {
	g.seen++
	g.notBool = g.notBool || (s != "true" && s != "false" && s != "TRUE" && s != "FALSE" && s != "True" && s != "False")
	if !g.notInt && (!integerText.MatchString(s) || !fitsInt64(s)) {
		g.notInt = true
	}
	g.notDecimal = g.notDecimal || !(integerText.MatchString(s) || decimalText.MatchString(s))
	g.notDate = g.notDate || !isDate(s, d)
	g.notStamp = g.notStamp || !isStamp(s, d, false)
	g.notZoned = g.notZoned || !isStamp(s, d, true)
}

func fitsInt64(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

func isDate(s string, d *dialect) bool {
	v, err := parseDate(s, d.date)
	if err != nil || v.hour != 0 || v.min != 0 || v.sec != 0 || v.nsec != 0 {
		return false
	}
	_, err = v.instant()
	return err == nil
}

func isStamp(s string, d *dialect, zoned bool) bool {
	if zoned && d.stamp != nil && !d.stamp.has['z'] {
		return false
	}
	v, err := parseStamp(s, d.stamp, zoned)
	if err != nil || v.tooPrecise(6) != "" {
		return false
	}
	_, err = v.instant()
	return err == nil
}

// typ is the narrowest type every value seen fits; text when none was seen.
func (g *guess) typ() sluice.Type {
	name := "text"
	switch {
	case g.seen == 0:
	case !g.notBool:
		name = "boolean"
	case !g.notInt:
		name = "bigint"
	case !g.notDecimal:
		name = "numeric"
	case !g.notDate:
		name = "date"
	case !g.notStamp:
		name = "timestamp"
	case !g.notZoned:
		name = "timestamptz"
	}
	t, _, _ := ParseType(name)
	return t
}
