package sqlexpr

import (
	"fmt"
	"strings"
)

// nowSpec is a default of the current date or time. How it is written
// depends on the column's type: MySQL's CURRENT_TIMESTAMP is the local wall
// time in a DATETIME column and the instant in a TIMESTAMP column; SQLite's
// is the UTC time as text, to the second.
type nowSpec struct {
	what      string // "timestamp", "date" or "time"
	utc       bool   // the UTC wall time (SQLite always, MySQL's UTC_*)
	precision string // "(n)" when the source asks for fractional digits
	pg        string // a PostgreSQL source's own call, written as it was
}

// nowCalls are the calls of the current time, by dialect; the SQLite ones
// that take an argument take only 'now'.
var nowCalls = map[Dialect]map[string]nowSpec{
	MySQL: {
		"NOW": {what: "timestamp"}, "CURRENT_TIMESTAMP": {what: "timestamp"}, "LOCALTIME": {what: "timestamp"},
		"LOCALTIMESTAMP": {what: "timestamp"}, "CURDATE": {what: "date"}, "CURRENT_DATE": {what: "date"},
		"CURTIME": {what: "time"}, "CURRENT_TIME": {what: "time"},
		"UTC_TIMESTAMP": {what: "timestamp", utc: true}, "UTC_DATE": {what: "date", utc: true}, "UTC_TIME": {what: "time", utc: true},
	},
	SQLite: {
		"CURRENT_TIMESTAMP": {what: "timestamp", utc: true}, "CURRENT_DATE": {what: "date", utc: true},
		"CURRENT_TIME": {what: "time", utc: true}, "DATETIME": {what: "timestamp", utc: true},
		"DATE": {what: "date", utc: true}, "TIME": {what: "time", utc: true},
	},
	SQLServer: {
		"GETDATE": {what: "timestamp"}, "CURRENT_TIMESTAMP": {what: "timestamp"}, "SYSDATETIME": {what: "timestamp"},
		"GETUTCDATE": {what: "timestamp", utc: true}, "SYSUTCDATETIME": {what: "timestamp", utc: true},
	},
	Postgres: {
		"NOW": {what: "timestamp"}, "CURRENT_TIMESTAMP": {what: "timestamp"}, "TRANSACTION_TIMESTAMP": {what: "timestamp"},
		"STATEMENT_TIMESTAMP": {what: "timestamp"}, "CLOCK_TIMESTAMP": {what: "timestamp"},
		"LOCALTIMESTAMP": {what: "timestamp"}, "CURRENT_DATE": {what: "date"}, "LOCALTIME": {what: "time"},
		"CURRENT_TIME": {what: "time"},
	},
}

// nowCall recognises a call of the current time, with its precision.
func (tr *translator) nowCall(n Call) (*nowSpec, bool) {
	spec, ok := nowCalls[tr.d][n.Name]
	if !ok {
		return nil, false
	}
	switch {
	case tr.d == SQLite && !n.Bare:
		if len(n.Args) != 1 || !isNowLiteral(n.Args[0]) {
			return nil, false
		}
	case len(n.Args) == 1:
		l, ok := n.Args[0].(Lit)
		if !ok || l.Kind != LitNumber || tr.d == SQLite {
			return nil, false
		}
		spec.precision = "(" + l.Text + ")"
	case len(n.Args) > 1:
		return nil, false
	}
	if tr.d == Postgres {
		spec.pg = pgCall(n, spec.precision)
	}
	return &spec, true
}

func isNowLiteral(n Node) bool {
	l, ok := n.(Lit)
	return ok && l.Kind == LitString && strings.EqualFold(l.Text, "now")
}

func pgCall(n Call, precision string) string {
	if n.Bare {
		return n.Name + precision
	}
	return strings.ToLower(n.Name) + "(" + strings.Trim(precision, "()") + ")"
}

// sql writes the current time for a column of class cls.
func (s *nowSpec) sql(d Dialect, cls class) (string, error) {
	switch {
	case s.pg != "":
		return s.pg, nil
	case s.utc && cls == clsText && d == SQLite:
		return "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', '" + utcTextFormat[s.what] + "')", nil
	case s.utc:
		return s.utcSQL(d, cls)
	}
	return s.localSQL(cls)
}

var utcTextFormat = map[string]string{"timestamp": "YYYY-MM-DD HH24:MI:SS", "date": "YYYY-MM-DD", "time": "HH24:MI:SS"}

// utcSQL is the UTC wall time; SQLite's to the second.
func (s *nowSpec) utcSQL(d Dialect, cls class) (string, error) {
	utc := "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"
	if d == SQLite {
		utc = "date_trunc('second', CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"
	}
	switch {
	case s.what == "timestamp" && (cls == clsTimestamp || cls == clsDate):
		return utc, nil
	case s.what == "timestamp" && cls == clsTimestampTZ && d == SQLite:
		return "date_trunc('second', CURRENT_TIMESTAMP)", nil
	case s.what == "date" && (cls == clsDate || cls == clsTimestamp):
		return "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date", nil
	case s.what == "time" && cls == clsTime:
		return "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::time(0)", nil
	}
	return "", fmt.Errorf("the current %s (UTC) has no translation for %s", s.what, cls)
}

// localSQL is MySQL's current time: the instant for a TIMESTAMP column
// (timestamptz), the session's wall time for the others.
func (s *nowSpec) localSQL(cls class) (string, error) {
	switch {
	case s.what == "timestamp" && cls == clsTimestampTZ:
		return "CURRENT_TIMESTAMP" + s.precision, nil
	case s.what == "timestamp" && cls == clsTimestamp:
		return "LOCALTIMESTAMP" + s.precision, nil
	case (s.what == "timestamp" || s.what == "date") && cls == clsDate,
		s.what == "date" && (cls == clsTimestamp || cls == clsTimestampTZ):
		return "CURRENT_DATE", nil
	case s.what == "time" && cls == clsTime:
		return "LOCALTIME" + s.precision, nil
	}
	return "", fmt.Errorf("the current %s has no translation for %s", s.what, cls)
}
