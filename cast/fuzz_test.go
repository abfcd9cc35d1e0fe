package cast

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// FuzzNumericText: the number parsers never panic, reject only with an
// *Error, and what numeric accepts is exactly the value of the text.
func FuzzNumericText(f *testing.F) {
	for _, s := range []string{"12.34", "-0.5e-3", "1e99999999", ".5", "5.", "+7", "NaN", "-inf", "1e-400", "0x10", "1/3", "", "-", "1e+", "00012.3400"} {
		f.Add(s)
	}
	targets := []string{"numeric", "numeric(10,2)", "integer", "smallint", "bigint", "real", "double precision"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, to := range targets {
			fn, err := For(kDecimal, to, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := fn(s)
			mustBeRejection(t, s, to, err)
			if num, ok := got.(pgtype.Numeric); ok && to == "numeric" {
				checkExact(t, s, num)
			}
		}
	})
}

func mustBeRejection(t *testing.T, s, to string, err error) {
	var ce *Error
	if err != nil && !errors.As(err, &ce) {
		t.Fatalf("%q to %s: %v is not a rejection", s, to, err)
	}
}

// checkExact compares a finite numeric with the text's own value, for
// exponents small enough to compute.
func checkExact(t *testing.T, s string, num pgtype.Numeric) {
	d, ok := parseDecimal(s)
	if !ok || num.NaN || num.InfinityModifier != 0 || d.exp > 400 || d.exp < -400 {
		return
	}
	want, _ := new(big.Rat).SetString(s)
	got := new(big.Rat).SetInt(num.Int)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(num.Exp))), nil))
	if num.Exp < 0 {
		got.Quo(got, scale)
	} else {
		got.Mul(got, scale)
	}
	if got.Cmp(want) != 0 {
		t.Fatalf("%q became %s × 10^%d", s, num.Int, num.Exp)
	}
}

func abs(i int32) int32 {
	if i < 0 {
		return -i
	}
	return i
}

// FuzzDateText: the date, time and interval parsers never panic, reject only
// with an *Error, and a date they accept is the date the text wrote.
func FuzzDateText(f *testing.F) {
	for _, s := range []string{"2024-01-02", "0000-00-00", "2024-01-02 03:04:05.123456+02:00", "2024-02-30", "10:11:12", "-838:59:59.5", "1 year 2 mons 3 days 04:05:06", "2024-01-02T03:04Z", "9999-12-31 23:59:59.999999999"} {
		f.Add(s)
	}
	targets := []string{"date", "timestamp", "timestamp(0)", "timestamptz", "time", "time(3)", "interval"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, to := range targets {
			fn, err := For(kText, to, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := fn(s)
			mustBeRejection(t, s, to, err)
			if d, ok := got.(time.Time); ok && to == "date" && d.Format(time.DateOnly) != s[:10] {
				t.Fatalf("%q became the date %s", s, d.Format(time.DateOnly))
			}
		}
	})
}
