package cast

import (
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// castCase is one conversion: in, from a source type, to a target type, gives
// want, or is rejected with exactly reason.
type castCase struct {
	from   sluice.Type
	to     string
	opts   Options
	in     any
	want   any
	reason string
}

// Source types as the sources report them.
var (
	kBool    = sluice.Type{Kind: sluice.KindBool}
	kInt     = sluice.Type{Kind: sluice.KindInt, Bits: 64}
	kYear    = sluice.Type{Kind: sluice.KindYear}
	kDecimal = sluice.Type{Kind: sluice.KindDecimal, Precision: 10, Scale: 2}
	kFloat   = sluice.Type{Kind: sluice.KindFloat, Bits: 64}
	kString  = sluice.Type{Kind: sluice.KindString, Length: 50}
	kText    = sluice.Type{Kind: sluice.KindText}
	kBytes   = sluice.Type{Kind: sluice.KindBytes}
	kDate    = sluice.Type{Kind: sluice.KindDate}
	kTime    = sluice.Type{Kind: sluice.KindTime}
	kTS      = sluice.Type{Kind: sluice.KindTimestamp}
	kTSTZ    = sluice.Type{Kind: sluice.KindTimestampTZ}
	kJSON    = sluice.Type{Kind: sluice.KindJSON}
	kUUID    = sluice.Type{Kind: sluice.KindUUID}
	kEnum    = sluice.Type{Kind: sluice.KindEnum, Raw: "enum('a','b')", Values: []string{"a", "b"}}
	kSet     = sluice.Type{Kind: sluice.KindSet, Values: []string{"a", "b", "c"}}
	kBit3    = sluice.Type{Kind: sluice.KindBit, Bits: 3}
	kBit8    = sluice.Type{Kind: sluice.KindBit, Bits: 8}
	kOther   = sluice.Type{Kind: sluice.KindOther}
)

var nullDates = Options{ZeroDates: config.ZeroDatesNull}

// allCases gathers every family's table.
func allCases() []castCase {
	var all []castCase
	for _, cs := range [][]castCase{boolCases, intCases, numericCases, floatCases, textCases,
		byteaCases, dateCases, timestampCases, clockCases, uuidCases, jsonCases, bitCases,
		arrayCases, mappedCases} {
		all = append(all, cs...)
	}
	return all
}

func TestCast(t *testing.T) {
	for _, c := range allCases() {
		name := fmt.Sprintf("%s %T(%.30v) to %s", c.from.Kind, c.in, c.in, c.to)
		t.Run(name, func(t *testing.T) {
			f, err := For(c.from, c.to, c.opts)
			if err != nil {
				t.Fatalf("For: %v", err)
			}
			got, err := f(c.in)
			checkResult(t, got, err, c)
		})
	}
}

func checkResult(t *testing.T, got any, err error, c castCase) {
	t.Helper()
	if c.reason != "" {
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("got %#v, %v; want the rejection %q", got, err, c.reason)
		}
		if ce.Reason != c.reason || err.Error() != c.reason {
			t.Fatalf("reason %q, want %q", ce.Reason, c.reason)
		}
		return
	}
	if err != nil {
		t.Fatalf("rejected: %v; want %#v", err, c.want)
	}
	if !same(got, c.want) {
		t.Fatalf("got %#v, want %#v", got, c.want)
	}
}

// same compares outputs exactly: same Go type and same value, with numerics
// compared by value and times also by location (UTC).
func same(got, want any) bool {
	switch w := want.(type) {
	case pgtype.Numeric:
		g, ok := got.(pgtype.Numeric)
		return ok && sameNumeric(g, w)
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w) && g.Location() == time.UTC
	case pgtype.Array[any]:
		g, ok := got.(pgtype.Array[any])
		return ok && sameArray(g, w)
	}
	return reflect.DeepEqual(got, want)
}

func sameNumeric(g, w pgtype.Numeric) bool {
	if (g.Int == nil) != (w.Int == nil) || g.Int != nil && g.Int.Cmp(w.Int) != 0 {
		return false
	}
	return g.Exp == w.Exp && g.NaN == w.NaN && g.InfinityModifier == w.InfinityModifier && g.Valid == w.Valid
}

func sameArray(g, w pgtype.Array[any]) bool {
	if len(g.Elements) != len(w.Elements) || !reflect.DeepEqual(g.Dims, w.Dims) || g.Valid != w.Valid {
		return false
	}
	for i := range g.Elements {
		if !same(g.Elements[i], w.Elements[i]) {
			return false
		}
	}
	return true
}

// TestOutputsEncode proves, without a server, that every accepted output is a
// value pgx encodes in binary for its target type's OID.
func TestOutputsEncode(t *testing.T) {
	m := pgtype.NewMap()
	for _, c := range allCases() {
		if c.reason != "" || c.want == nil {
			continue
		}
		oid := targetOID(t, m, c.to)
		if _, err := m.Encode(oid, pgtype.BinaryFormatCode, c.want, nil); err != nil {
			t.Errorf("%s: encode %#v: %v", c.to, c.want, err)
		}
	}
}

func targetOID(t *testing.T, m *pgtype.Map, to string) uint32 {
	t.Helper()
	tg, err := parseTarget(to)
	if err != nil {
		t.Fatalf("parse %s: %v", to, err)
	}
	name := tg.pg
	if tg.array {
		name = "_" + name
	}
	typ, ok := m.TypeForName(name)
	if !ok {
		t.Fatalf("pgx knows no type %s", name)
	}
	return typ.OID
}

func TestNilIsNil(t *testing.T) {
	for _, to := range []string{"boolean", "integer", "numeric(5,2)", "text", "date", "uuid", "jsonb", "text[]", "inet", "bit(3)"} {
		for _, from := range []sluice.Type{kInt, kText, kSet, kEnum, kOther} {
			f, err := For(from, to, Options{})
			if err != nil {
				t.Fatalf("For %s: %v", to, err)
			}
			if got, err := f(nil); got != nil || err != nil {
				t.Errorf("%s from %s: nil gave %#v, %v", to, from.Kind, got, err)
			}
		}
	}
}

// A value its source could not convert from its character set is rejected
// with the source's reason by every cast, text or not: none may take its
// bytes as text of its own.
func TestUndecodableIsRejected(t *testing.T) {
	u := sluice.Undecodable{Charset: "gbk", Bytes: []byte{0xa3, 0x80}, Reason: "not valid gbk: bytes a380"}
	for _, to := range []string{"text", "varchar(10)", "char(2)", "bytea", "jsonb", "integer", "text[]", "inet", "uuid"} {
		for _, from := range []sluice.Type{kText, kString, kEnum, kSet, kJSON, kOther} {
			f, err := For(from, to, Options{})
			if err != nil {
				t.Fatalf("For %s: %v", to, err)
			}
			got, err := f(u)
			var ce *Error
			if !errors.As(err, &ce) || ce.Reason != u.Reason || got != nil {
				t.Errorf("%s from %s: gave %#v, %v; want the reject %q", to, from.Kind, got, err, u.Reason)
			}
		}
	}
}

func TestForRejectsUnknownTypes(t *testing.T) {
	bad := map[string]string{
		"mystery":                 "unknown type",
		"varchar(0)":              "length 0 of varchar is outside 1..10485760",
		"numeric(1001)":           "numeric precision 1001 is outside 1..1000",
		"numeric(5,6)":            "numeric scale 6 is greater than its precision 5",
		"timestamp(7)":            "precision 7 of timestamp is outside 0..6",
		"text(5)":                 "type text takes no modifier",
		"varchar(5,2)":            "type varchar takes one modifier",
		"inet(4)":                 "modifiers of type inet are not supported",
		"integer[":                "unknown type",
		"":                        "unknown type",
		"mystery[]":               "unknown type",
		"timetz(3)":               "modifiers of type timetz are not supported",
		"varchar(99999999999999)": "length 99999999999999 of varchar is outside 1..10485760",
	}
	for to, want := range bad {
		_, err := For(kText, to, Options{})
		if err == nil || !strings.HasSuffix(err.Error(), ": "+want) {
			t.Errorf("For(%q) = %v, want an error ending %q", to, err, want)
		}
		var ce *Error
		if errors.As(err, &ce) {
			t.Errorf("For(%q) returned a value rejection, want a type error", to)
		}
	}
}

func TestTargetSpellings(t *testing.T) {
	same := map[string]string{
		"INT4": "integer", "Character Varying(10)": "varchar", "timestamp(3) with time zone": "timestamptz",
		"timestamp without time zone": "timestamp", "bit varying(4)": "varbit", "float8": "double precision",
		"decimal(5,2)": "numeric", "bpchar": "char", "time(0) without time zone": "time",
	}
	for ddl, base := range same {
		tg, err := parseTarget(ddl)
		if err != nil || tg.base != base {
			t.Errorf("parseTarget(%q) = %+v, %v; want base %s", ddl, tg, err, base)
		}
	}
	tg, _ := parseTarget("numeric(5)")
	if tg.n != 5 || tg.scale != 0 {
		t.Errorf("numeric(5) = %+v, want precision 5 scale 0", tg)
	}
	tg, _ = parseTarget("integer[][]")
	if !tg.array || tg.element().ddl != "integer" {
		t.Errorf("integer[][] = %+v, element %q", tg, tg.element().ddl)
	}
}

// n builds the pgtype.Numeric of i × 10^exp.
func n(i string, exp int32) pgtype.Numeric {
	b, _ := new(big.Int).SetString(i, 10)
	return pgtype.Numeric{Int: b, Exp: exp, Valid: true}
}

func utc(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

func arr(dims []pgtype.ArrayDimension, elems ...any) pgtype.Array[any] {
	if elems == nil {
		elems = []any{}
	}
	return pgtype.Array[any]{Elements: elems, Dims: dims, Valid: true}
}

func dim(lengths ...int32) []pgtype.ArrayDimension {
	d := []pgtype.ArrayDimension{}
	for _, l := range lengths {
		d = append(d, pgtype.ArrayDimension{Length: l, LowerBound: 1})
	}
	return d
}

// TestConcurrentUse runs Funcs that hold a pgx Map from many goroutines; run
// with -race it proves the Map is guarded.
func TestConcurrentUse(t *testing.T) {
	inet, _ := For(kOther, "inet", Options{})
	ints, _ := For(kOther, "integer[]", Options{})
	done := make(chan error)
	for range 8 {
		go func() {
			var err error
			for range 200 {
				if _, err = inet("10.0.0.1/8"); err == nil {
					_, err = ints("{1,2,3}")
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
