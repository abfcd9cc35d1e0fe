package plan

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShorten(t *testing.T) {
	ok := strings.Repeat("a", 63)
	if Shorten(ok) != ok {
		t.Error("a 63-byte name was shortened")
	}
	long1, long2 := strings.Repeat("a", 70)+"_x_key", strings.Repeat("a", 70)+"_y_key"
	s1, s2 := Shorten(long1), Shorten(long2)
	if len(s1) != 63 || len(s2) != 63 || s1 == s2 {
		t.Errorf("shortened %q (%d) and %q (%d): want 63 bytes each, distinct", s1, len(s1), s2, len(s2))
	}
	if Shorten(long1) != s1 {
		t.Error("Shorten is not deterministic")
	}
	if !strings.HasPrefix(s1, strings.Repeat("a", 54)+"_") {
		t.Errorf("shortened name %q does not keep its start", s1)
	}
	// A multi-byte character is never cut in half.
	u := Shorten(strings.Repeat("ä", 40))
	if !utf8.ValidString(u) || len(u) > 63 {
		t.Errorf("Shorten cut a character: %q (%d bytes)", u, len(u))
	}
}

func TestConstraintNames(t *testing.T) {
	cases := []struct {
		table  string
		cols   []string
		suffix string
		want   string
	}{
		{"patients", []string{"doctor_id"}, "fkey", "patients_doctor_id_fkey"},
		{"orders", []string{"order_no", "branch"}, "key", "orders_order_no_branch_key"},
		{"t", []string{"a"}, "idx", "t_a_idx"},
	}
	for _, c := range cases {
		if got := ConstraintName(c.table, c.cols, c.suffix); got != c.want {
			t.Errorf("ConstraintName(%q, %v, %q) = %q, want %q", c.table, c.cols, c.suffix, got, c.want)
		}
	}
	long := ConstraintName(strings.Repeat("t", 40), []string{strings.Repeat("c", 30)}, "fkey")
	if len(long) != 63 || !strings.HasPrefix(long, strings.Repeat("t", 40)+"_") {
		t.Errorf("long name = %q (%d bytes)", long, len(long))
	}
}

// Index names share one namespace per schema: two that would collide get
// distinct names.
func TestClaimNames(t *testing.T) {
	used := map[string]bool{"a_b_c_key": true}
	if got := claim(used, "a_b_c_key"); got != "a_b_c_key2" {
		t.Errorf("claim = %q", got)
	}
	if got := claim(used, "a_b_c_key"); got != "a_b_c_key3" {
		t.Errorf("second claim = %q", got)
	}
	long := strings.Repeat("n", 63)
	used[long] = true
	if got := claim(used, long); len(got) > 63 || got == long {
		t.Errorf("claim of a taken 63-byte name = %q", got)
	}
}
