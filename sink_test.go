package sluice

import (
	"fmt"
	"strings"
	"testing"
)

// A GeneratedRef takes the key an earlier insert of the batch got; one
// that names no such key refuses the change before it is applied.
func TestApplyChangesPutsGeneratedKeysIn(t *testing.T) {
	var applied []string
	apply := func(c RowChange) ([]any, error) {
		applied = append(applied, fmt.Sprint(c.Table, c.Values))
		if c.Kind == ChangeInsert && c.KeyValues == nil {
			return []any{int64(40 + len(applied))}, nil
		}
		return nil, nil
	}
	parent := RowChange{Kind: ChangeInsert, Table: "patients", Key: []string{"id"}, Columns: []string{"name"}, Values: []any{"Cy"}}
	child := RowChange{Kind: ChangeInsert, Table: "visits", Key: []string{"id"}, KeyValues: []any{7}, Columns: []string{"patient_id", "note"},
		Values: []any{GeneratedRef{Change: 0, Part: 0}, "new"}}
	keys, err := ApplyChanges([]RowChange{parent, child}, apply)
	if err != nil || fmt.Sprint(applied) != "[patients[Cy] visits[41 new]]" || fmt.Sprint(keys) != "[{0 [41]}]" {
		t.Fatalf("applied %v, keys %v, %v", applied, keys, err)
	}
	if _, ok := child.Values[0].(GeneratedRef); !ok {
		t.Errorf("the batch's change was modified: %v", child.Values)
	}
	applied = nil
	orphan := child
	orphan.Values = []any{GeneratedRef{Change: -1}, "lost"}
	_, err = ApplyChanges([]RowChange{orphan}, apply)
	if err == nil || !strings.Contains(err.Error(), "column patient_id references a row inserted earlier") || len(applied) != 0 {
		t.Fatalf("unknown generated key: applied %v, %v", applied, err)
	}
}
