package verify

import "testing"

func TestBaseType(t *testing.T) {
	for in, want := range map[string]string{"varchar(50)[]": "character varying", "decimal(10,2)": "numeric"} {
		if got := baseType(in); got != want {
			t.Errorf("baseType(%q) = %q, want %q", in, got, want)
		}
	}
}
