package migrate

import (
	"strings"
	"testing"

	"github.com/sluicedb/sluice/plan"
)

// A keyset that stands still must stop the load, not commit the same rows
// chunk after chunk.
func TestAdvancedRefusesAKeysetThatStandsStill(t *testing.T) {
	tbl := &plan.Table{ID: "legacy.f"}
	if err := advanced(tbl, nil, []any{0.1}); err != nil {
		t.Errorf("the first chunk: %v", err)
	}
	if err := advanced(tbl, []any{0.1}, []any{0.2}); err != nil {
		t.Errorf("a key that moved: %v", err)
	}
	err := advanced(tbl, []any{0.1}, []any{0.1})
	if err == nil || !strings.Contains(err.Error(), "did not advance past 0.1") {
		t.Errorf("a key that stood still: %v", err)
	}
}
