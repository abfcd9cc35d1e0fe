package sluice

import (
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestKeyText(t *testing.T) {
	ts := time.Date(2024, 2, 29, 13, 4, 5, 120000000, time.FixedZone("x", 3600))
	cases := []struct {
		key  []any
		want string
	}{
		{[]any{int64(42)}, "42"},
		{[]any{int64(-7)}, "-7"},
		{[]any{uint64(math.MaxUint64)}, "18446744073709551615"},
		{[]any{"ALFKI"}, "ALFKI"},
		{[]any{"a|b"}, "a|b"}, // a single value is not escaped
		{[]any{[]byte{0xde, 0xad}}, "0xdead"},
		{[]any{1.5}, "1.5"},
		{[]any{true}, "true"},
		{[]any{ts}, "2024-02-29T12:04:05.12Z"},
		{[]any{[16]byte(uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"))}, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
		{[]any{int64(1), "x"}, "1|x"},
		{[]any{"a|b", "c"}, `a\|b|c`},
		{[]any{"a", "b|c"}, `a|b\|c`},
		{[]any{`back\slash`, int64(3)}, `back\\slash|3`},
	}
	for _, c := range cases {
		if got := KeyText(c.key); got != c.want {
			t.Errorf("KeyText(%#v) = %q, want %q", c.key, got, c.want)
		}
	}
}

// KeyUUID must be exactly UUIDv5 of "<source>.<table>:<key>", so that anyone
// can recompute a key with any UUID library, and the same whichever integer
// type an engine yields.
func TestKeyUUIDIsUUIDv5OfTheKeyName(t *testing.T) {
	ns := DefaultNamespace
	var h KeyHasher
	for _, key := range [][]any{{int64(1)}, {int64(123456789)}, {"ALFKI"}, {int64(1), "a|b"}, {[]byte{0, 1}}} {
		want := uuid.NewSHA1(ns, []byte(KeyName("clinical", "Patients", key)))
		got, ok := KeyUUID(ns, "clinical", "Patients", key)
		if !ok || got != want {
			t.Errorf("KeyUUID(%v) = %v, %v; want %v", key, got, ok, want)
		}
		if again, _ := h.UUID(ns, "clinical", "Patients", key); again != want {
			t.Errorf("KeyHasher.UUID(%v) = %v, want %v", key, again, want)
		}
	}
	fixed := uuid.NewSHA1(DefaultNamespace, []byte("clinical.Patients:42"))
	for _, v := range []any{int64(42), int32(42), int16(42), 42, uint64(42), "42"} {
		if got, _ := KeyUUID(ns, "clinical", "Patients", []any{v}); got != fixed {
			t.Errorf("KeyUUID(%T 42) = %v, want %v", v, got, fixed)
		}
	}
	if _, ok := KeyUUID(ns, "s", "t", []any{int64(1), nil}); ok {
		t.Error("a key with a NULL part has no identity")
	}
}

func TestKeyHasherDoesNotAllocate(t *testing.T) {
	var h KeyHasher
	key := []any{int64(123456), "abc"}
	h.UUID(DefaultNamespace, "s", "t", key)
	if n := testing.AllocsPerRun(100, func() { h.UUID(DefaultNamespace, "s", "t", key) }); n != 0 {
		t.Errorf("KeyHasher.UUID allocates %v times per call", n)
	}
}

func BenchmarkKeyUUID(b *testing.B) {
	var h KeyHasher
	key := []any{int64(1234567)}
	for b.Loop() {
		h.UUID(DefaultNamespace, "legacy", "Patients", key)
	}
}
