package transform

import (
	"reflect"
	"testing"

	"github.com/sluicedb/sluice"
)

// TestInvalidValuesReject: a value the source could not read rejects its
// row with the source's reason, naming the target column made from it —
// also where the column only feeds a uuid, which would otherwise hash the
// stand-in — and no column for a whole malformed record.
func TestInvalidValuesReject(t *testing.T) {
	bad := sluice.Invalid{Reason: "orders.csv line 7: \"x1\" is not an integer", Raw: []byte("x1")}
	record := sluice.Invalid{Reason: "orders.csv line 9: 3 fields, the header has 9", Raw: []byte("1,2,3"), Record: true}
	ok := []any{int64(9), int64(42), "DE", int64(7), int64(2), "glass", "12.50", nil, int64(1)}
	cases := []struct {
		at   int
		v    sluice.Invalid
		want Reject
	}{
		{1, bad, Reject{Column: "customer_id", Raw: []byte("x1"), Reason: bad.Reason}}, // feeds only a reference uuid
		{0, bad, Reject{Column: "id", Raw: []byte("x1"), Reason: bad.Reason}},          // the row's own key
		{6, bad, Reject{Column: "total", Raw: []byte("x1"), Reason: bad.Reason}},
		{5, record, Reject{Raw: []byte("1,2,3"), Reason: record.Reason}},
	}
	r := compile(t, shipments())
	for _, c := range cases {
		src := append([]any(nil), ok...)
		src[c.at] = c.v
		dst := make([]any, len(shipments().Columns))
		rej := r.Apply(src, dst)
		if rej == nil || !reflect.DeepEqual(*rej, c.want) {
			t.Errorf("Invalid in %s: rejected %+v, want %+v", shipments().ReadColumns[c.at], rej, c.want)
		}
	}
}

func TestInvalidValuesRejectExpansions(t *testing.T) {
	bad := sluice.Invalid{Reason: "clinics.csv line 3: \"many\" is not an integer", Raw: []byte("many")}
	r := compile(t, chairs())
	// The count only drives the expansion: the reject names the source column.
	want := Reject{Column: "NumChairs", Raw: []byte("many"), Reason: bad.Reason}
	if _, rej := r.Children(clinic(bad, nil, nil)); rej == nil || !reflect.DeepEqual(*rej, want) {
		t.Errorf("Children with an Invalid count rejected %+v, want %+v", rej, want)
	}
	src := clinic(int64(2), nil, nil)
	src[4] = bad
	want = Reject{Column: "clinic_name", Raw: []byte("many"), Reason: bad.Reason}
	if rows, rej := r.Expand(src, nil); rej == nil || len(rows) != 0 || !reflect.DeepEqual(*rej, want) {
		t.Errorf("Expand with an Invalid name = %d rows, %+v; want the reject %+v", len(rows), rej, want)
	}
}
