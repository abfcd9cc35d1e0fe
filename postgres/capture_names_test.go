package postgres

import (
	"regexp"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

func TestCaptureName(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9_]{1,63}$`)
	cases := []struct{ name, prefix string }{
		{"clinic", "sluice_clinic_"},
		{"Clinic West 2024!", "sluice_clinic_west_2024_"},
		{"élan", "sluice_lan_"},
		{"", "sluice__"},
		{strings.Repeat("a", 200), "sluice_" + strings.Repeat("a", 47) + "_"},
	}
	seen := map[string]string{}
	for _, c := range cases {
		got := CaptureName(c.name)
		if !valid.MatchString(got) {
			t.Errorf("CaptureName(%q) = %q: not a valid slot name of at most 63 bytes", c.name, got)
		}
		if !strings.HasPrefix(got, c.prefix) || len(got) != len(c.prefix)+8 {
			t.Errorf("CaptureName(%q) = %q, want %s + 8 hex digits", c.name, got, c.prefix)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("CaptureName(%q) = CaptureName(%q) = %q", c.name, other, got)
		}
		seen[got] = c.name
	}
	if CaptureName("a b") == CaptureName("a_b") {
		t.Errorf("names that clean to the same text must still differ")
	}
	if CaptureName("clinic") != CaptureName("clinic") {
		t.Errorf("CaptureName is not deterministic")
	}
}

func TestCheckSlotName(t *testing.T) {
	for slot, ok := range map[string]bool{"": true, "sluice_billing": true, "a b": false, "X": false, "s'; DROP": false, strings.Repeat("a", 64): false} {
		err := checkSlotName(sluice.CaptureSpec{Name: "m", Slot: slot})
		if (err == nil) != ok {
			t.Errorf("slot %q: %v, want ok %v", slot, err, ok)
		}
	}
}
