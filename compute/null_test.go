package compute_test

import (
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/compute"
)

// TestNullableColumnComparesAsNil: a nullable integer holding NULL takes the
// false branch of a comparison instead of failing the row.
func TestNullableColumnComparesAsNil(t *testing.T) {
	cols := []sluice.Column{{Name: "Sex", Type: sluice.Type{Kind: sluice.KindInt}, Nullable: true}}
	p, err := compute.Compile(`Sex == 1 ? "m" : Sex == nil ? "unknown" : "f"`, cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   any
		want string
	}{{int64(1), "m"}, {int64(2), "f"}, {nil, "unknown"}} {
		got, err := p.Run([]any{c.in})
		if err != nil || got != c.want {
			t.Errorf("Sex = %v: got %v, %v; want %q", c.in, got, err, c.want)
		}
	}
}
