package sluicetest

import (
	"testing"
	"time"

	"github.com/sluicedb/sluice"
)

func TestCanonicalEqual(t *testing.T) {
	cases := []struct {
		kind sluice.Kind
		a, b any
	}{
		{sluice.KindBool, true, int64(1)},
		{sluice.KindBool, false, int64(0)},
		{sluice.KindInt, int64(7), int32(7)},
		{sluice.KindInt, int64(7), uint64(7)},
		{sluice.KindDecimal, "99.50", float64(99.5)},
		{sluice.KindDecimal, "12345678.99", 12345678.99},
		{sluice.KindDecimal, "0.00", int64(0)},
		{sluice.KindDecimal, "-12.25", "-12.250"},
		{sluice.KindDate, "2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{sluice.KindBytes, []byte{}, []byte(nil)},
		{sluice.KindText, nil, nil},
	}
	for _, c := range cases {
		a, errA := Canonical(c.kind, c.a)
		b, errB := Canonical(c.kind, c.b)
		if errA != nil || errB != nil || a != b {
			t.Errorf("%s: %#v (%q, %v) and %#v (%q, %v) should be equal", c.kind, c.a, a, errA, c.b, b, errB)
		}
	}
}

func TestCanonicalDiffers(t *testing.T) {
	cases := []struct {
		kind sluice.Kind
		a, b any
	}{
		{sluice.KindBool, true, int64(0)},
		{sluice.KindDecimal, "12345678.99", 12345678.98},
		{sluice.KindDecimal, "0.1", "0.10001"},
		{sluice.KindText, "", nil},
		{sluice.KindBytes, []byte{}, nil},
		{sluice.KindText, "NULL", nil},
		{sluice.KindDate, "2024-02-29", time.Date(2024, 2, 28, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		a, errA := Canonical(c.kind, c.a)
		b, errB := Canonical(c.kind, c.b)
		if errA == nil && errB == nil && a == b {
			t.Errorf("%s: %#v and %#v should differ, both are %q", c.kind, c.a, c.b, a)
		}
	}
}

func TestCanonicalRejectsWrongTypes(t *testing.T) {
	cases := []struct {
		kind sluice.Kind
		v    any
	}{
		{sluice.KindBool, int64(2)},
		{sluice.KindInt, "1"},
		{sluice.KindText, []byte("a")},
		{sluice.KindBytes, "a"},
		{sluice.KindDate, "2024-02-29 10:00"},
		{sluice.KindDate, time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC)},
		{sluice.KindDecimal, "abc"},
	}
	for _, c := range cases {
		if got, err := Canonical(c.kind, c.v); err == nil {
			t.Errorf("%s: %#v accepted as %q, want an error", c.kind, c.v, got)
		}
	}
}
