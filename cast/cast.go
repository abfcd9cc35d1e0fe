// Package cast converts the values a source yields into values of a
// PostgreSQL target type that pgx encodes in binary COPY.
//
// Nothing is changed silently: a value that would lose information on the way
// (invalid UTF-8, a number that does not fit, a date that is not one) is
// rejected with an *Error that says precisely why, so that the row goes to
// sluice.rejects and the rest of its chunk loads.
//
// Byte offsets in reasons count from 0.
package cast

import (
	"fmt"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// Func converts one source value. It returns nil for nil, the converted value,
// or an *Error. A Func is safe for concurrent use.
type Func func(v any) (any, error)

// Options tune casts that depend on the config.
type Options struct {
	// ZeroDates is config.ZeroDatesReject (also when empty) or
	// config.ZeroDatesNull: what becomes of 0000-00-00 and other impossible dates.
	ZeroDates string
}

// Error is what a rejected value gets: the reason it cannot be converted.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

// rejectf builds the *Error of a rejected value.
func rejectf(format string, args ...any) error {
	return &Error{Reason: fmt.Sprintf(format, args...)}
}

// For returns the Func that converts values of the source type from into the
// PostgreSQL type to, written as in DDL ("varchar(50)", "numeric(10,2)",
// "integer[]"). It fails for a type it does not know.
func For(from sluice.Type, to string, opts Options) (Func, error) {
	t, err := parseTarget(to)
	if err != nil {
		return nil, fmt.Errorf("cast %s to %q: %w", from.Kind, to, err)
	}
	f, err := build(from, t, opts)
	if err != nil {
		return nil, fmt.Errorf("cast %s to %q: %w", from.Kind, to, err)
	}
	return admit(f), nil
}

// build picks the converter of a parsed target, with the checks its source
// kind needs first (enum and set members).
func build(from sluice.Type, t target, opts Options) (Func, error) {
	if from.Kind == sluice.KindSet && t.array && t.base == "text" {
		return setToArray(from), nil
	}
	f, err := buildTarget(from, t, opts)
	if err != nil {
		return nil, err
	}
	switch from.Kind {
	case sluice.KindEnum:
		return checkEnum(from, f), nil
	case sluice.KindSet:
		return checkSet(from, f), nil
	}
	return f, nil
}

func buildTarget(from sluice.Type, t target, opts Options) (Func, error) {
	if t.array {
		return arrayOf(t, opts)
	}
	if mk, ok := scalars[t.base]; ok {
		return mk(from, t, opts), nil
	}
	return mapped(t)
}

// maker builds the Func of one scalar target family.
type maker func(from sluice.Type, t target, opts Options) Func

var scalars = map[string]maker{
	"boolean": toBool, "smallint": toInt, "integer": toInt, "bigint": toInt,
	"numeric": toNumeric, "real": toReal, "double precision": toDouble,
	"varchar": toText, "char": toText, "text": toText, "bytea": toBytea,
	"date": toDate, "timestamp": toTimestamp, "timestamptz": toTimestamp,
	"time": toTime, "interval": toInterval, "uuid": toUUID,
	"json": toJSON, "jsonb": toJSON, "bit": toBits, "varbit": toBits,
	"geometry": toGeometry,
}

// admit is skipNil that also rejects a value its source could not convert
// from its column's character set, whatever the target: no cast may turn
// its bytes into text of its own.
func admit(f Func) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case nil:
			return nil, nil
		case sluice.Undecodable:
			return nil, &Error{Reason: x.Reason}
		}
		return f(v)
	}
}

func skipNil(f Func) Func {
	return func(v any) (any, error) {
		if v == nil {
			return nil, nil
		}
		return f(v)
	}
}

// unsupported rejects a Go type that a target family has no conversion for.
func unsupported(v any, t target) error {
	return rejectf("cannot cast %T to %s", v, t.ddl)
}

// isZeroNull reports whether impossible dates become NULL.
func (o Options) isZeroNull() bool { return o.ZeroDates == config.ZeroDatesNull }
