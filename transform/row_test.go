package transform

import (
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
)

var (
	ns       = uuid.MustParse("0b3c4c1e-6f7a-4d52-9a39-0c6f3f0d2a11")
	kInt     = sluice.Type{Kind: sluice.KindInt, Bits: 64}
	kString  = sluice.Type{Kind: sluice.KindString, Length: 2}
	kText    = sluice.Type{Kind: sluice.KindText}
	kDecimal = sluice.Type{Kind: sluice.KindDecimal, Precision: 10, Scale: 2}
	kTS      = sluice.Type{Kind: sluice.KindTimestamp}
	kBool    = sluice.Type{Kind: sluice.KindBool}
)

func ptr(s string) *string { return &s }

func rowUUID(keys ...string) plan.Column {
	return plan.Column{Name: "id", Type: "uuid", NotNull: true, Role: plan.RoleRowUUID, KeyColumns: keys}
}

func value(name, typ, source string, from sluice.Type) plan.Column {
	return plan.Column{Name: name, Type: typ, Role: plan.RoleValue, Source: source, SourceType: from}
}

// The referenced tables: an int64 key, a string key in another source, and
// a composite key.
var (
	customers = &plan.Table{ID: "crm.Customers", Source: "crm", SourceTable: "Customers",
		ReadColumns: []string{"Name", "CustomerID"},
		Columns: []plan.Column{rowUUID("CustomerID"),
			{Name: "legacy_id", Type: "bigint", NotNull: true, Role: plan.RoleLegacyKey, KeyColumns: []string{"CustomerID"}, SourceType: kInt},
			value("name", "varchar(50)", "Name", kText)}}
	countries = &plan.Table{ID: "geo.Countries", Source: "geo", SourceTable: "Countries",
		ReadColumns: []string{"Code"},
		Columns: []plan.Column{rowUUID("Code"),
			{Name: "legacy_id", Type: "varchar(2)", Role: plan.RoleLegacyKey, KeyColumns: []string{"Code"}, SourceType: kString}}}
	orderLines = &plan.Table{ID: "crm.OrderLines", Source: "crm", SourceTable: "OrderLines",
		ReadColumns: []string{"OrderID", "LineNo", "Qty"},
		Columns: []plan.Column{rowUUID("OrderID", "LineNo"),
			{Name: "legacy_id", Type: "text", Role: plan.RoleLegacyKey, KeyColumns: []string{"OrderID", "LineNo"}},
			{Name: "qty", Type: "integer", Role: plan.RoleValue, Source: "Qty", SourceType: kInt, Default: ptr("1")}}}
)

// shipments uses every role and points at all three.
func shipments() *plan.Table {
	return &plan.Table{ID: "crm.Shipments", Source: "crm", SourceTable: "Shipments",
		ReadColumns: []string{"ShipmentID", "CustomerID", "CountryCode", "OrderID", "LineNo", "Note", "Total", "ShippedAt", "Fragile"},
		Columns: []plan.Column{
			rowUUID("ShipmentID"),
			{Name: "legacy_id", Type: "bigint", NotNull: true, Role: plan.RoleLegacyKey, KeyColumns: []string{"ShipmentID"}, SourceType: kInt},
			{Name: "customer_id", Type: "uuid", Role: plan.RoleRefUUID, KeyColumns: []string{"CustomerID"}, RefTable: "Customers"},
			{Name: "country_id", Type: "uuid", Role: plan.RoleRefUUID, KeyColumns: []string{"CountryCode"}, RefSource: "geo", RefTable: "Countries"},
			{Name: "line_id", Type: "uuid", Role: plan.RoleRefUUID, KeyColumns: []string{"OrderID", "LineNo"}, RefSource: "crm", RefTable: "OrderLines"},
			{Name: "note", Type: "text", Role: plan.RoleValue, Source: "Note", SourceType: kText, Default: ptr("none")},
			value("total", "numeric(10,2)", "Total", kDecimal),
			{Name: "shipped_at", Type: "timestamp", Role: plan.RoleValue, Source: "ShippedAt", SourceType: kTS, ZeroDates: config.ZeroDatesNull},
			{Name: "fragile", Type: "boolean", NotNull: true, Role: plan.RoleValue, Source: "Fragile", SourceType: kBool, Default: ptr("false")},
		}}
}

func compile(t testing.TB, pt *plan.Table) *Row {
	t.Helper()
	r, err := Compile(pt, ns)
	if err != nil {
		t.Fatalf("compile %s: %v", pt.ID, err)
	}
	return r
}

func apply(t testing.TB, pt *plan.Table, src ...any) []any {
	t.Helper()
	dst := make([]any, len(pt.Columns))
	if rej := compile(t, pt).Apply(src, dst); rej != nil {
		t.Fatalf("apply %s %v: rejected %+v", pt.ID, src, *rej)
	}
	return dst
}

func TestApplyEveryRole(t *testing.T) {
	shippedAt := time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)
	got := apply(t, shipments(), int64(9), int64(42), "DE", int64(7), int64(2), "glass", "12.50", shippedAt, int64(1))
	want := []any{
		keyUUID("crm", "Shipments", int64(9)), int64(9),
		keyUUID("crm", "Customers", int64(42)), keyUUID("geo", "Countries", "DE"),
		keyUUID("crm", "OrderLines", int64(7), int64(2)),
		"glass", pgtype.Numeric{Int: big.NewInt(1250), Exp: -2, Valid: true}, shippedAt, true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

func keyUUID(source, table string, key ...any) any {
	u, _ := sluice.KeyUUID(ns, source, table, key)
	return [16]byte(u)
}

// TestRefEqualsReferencedRow: a foreign key's UUID is the referenced row's
// own id, for an int64 key, a string key in another source and a composite key.
func TestRefEqualsReferencedRow(t *testing.T) {
	child := apply(t, shipments(), int64(9), int64(42), "DE", int64(7), int64(2), nil, "1", nil, nil)
	parents := map[string][]any{
		"customer_id": apply(t, customers, "Ada", int64(42)),
		"country_id":  apply(t, countries, "DE"),
		"line_id":     apply(t, orderLines, int64(7), int64(2), nil),
	}
	cols := map[string]int{"customer_id": 2, "country_id": 3, "line_id": 4}
	for name, parent := range parents {
		if child[cols[name]] != parent[0] {
			t.Errorf("%s = %x, the referenced row's id is %x", name, child[cols[name]], parent[0])
		}
		if _, ok := parent[0].([16]byte); !ok {
			t.Errorf("%s: the row id is a %T, want [16]byte", name, parent[0])
		}
	}
	other := apply(t, customers, "Bob", int64(43))
	if other[0] == parents["customer_id"][0] {
		t.Error("two customers got the same id")
	}
}

func TestLegacyKeys(t *testing.T) {
	if got := apply(t, customers, "Ada", int64(42))[1]; got != int64(42) {
		t.Errorf("single int key: %#v, want int64(42)", got)
	}
	if got := apply(t, countries, "DE")[1]; got != "DE" {
		t.Errorf("single string key: %#v, want DE", got)
	}
	if got := apply(t, orderLines, int64(7), int64(2), nil)[1]; got != "7|2" {
		t.Errorf("composite key: %#v, want 7|2", got)
	}
}

func TestDefaultsReplaceNull(t *testing.T) {
	got := apply(t, shipments(), int64(9), nil, nil, nil, int64(2), nil, nil, nil, nil)
	if got[5] != "none" || got[8] != false {
		t.Errorf("note, fragile = %#v, %#v; want the defaults none, false", got[5], got[8])
	}
	if got := apply(t, orderLines, int64(7), int64(2), nil)[2]; got != int32(1) {
		t.Errorf("qty = %#v, want the default int32(1)", got)
	}
	if got := apply(t, orderLines, int64(7), int64(2), int64(5))[2]; got != int32(5) {
		t.Errorf("qty = %#v, want the source value int32(5)", got)
	}
}

func TestNullReferencesAreNull(t *testing.T) {
	got := apply(t, shipments(), int64(9), nil, nil, int64(7), nil, "x", "1", "0000-00-00 00:00:00", int64(0))
	for i, name := range map[int]string{2: "customer_id", 3: "country_id", 4: "line_id (one part NULL)", 7: "shipped_at (zero date)"} {
		if got[i] != nil {
			t.Errorf("%s = %#v, want NULL", name, got[i])
		}
	}
	if got[0] == nil || got[1] != int64(9) {
		t.Errorf("id, legacy_id = %#v, %#v; want the row's identity", got[0], got[1])
	}
}

func TestRejects(t *testing.T) {
	cases := []struct {
		src  []any
		want Reject
	}{
		{[]any{int64(9), nil, nil, nil, nil, "x", "12.345", nil, nil},
			Reject{Column: "total", Raw: "12.345", Reason: "12.345 has 3 decimal places, numeric(10,2) holds 2"}},
		{[]any{int64(9), nil, nil, nil, nil, "a\x00b", "12.345", nil, nil},
			Reject{Column: "note", Raw: "a\x00b", Reason: "NUL byte at byte 1"}},
		{[]any{nil, nil, nil, nil, nil, "x", "1", nil, nil},
			Reject{Column: "id", Raw: nil, Reason: "key column ShipmentID is NULL"}},
		{[]any{int64(9), nil, nil, nil, nil, "x", "1", nil, int64(2)},
			Reject{Column: "fragile", Raw: int64(2), Reason: "2 is not a boolean (0 or 1)"}},
	}
	r := compile(t, shipments())
	dst := make([]any, 9)
	for _, c := range cases {
		rej := r.Apply(c.src, dst)
		if rej == nil || !reflect.DeepEqual(*rej, c.want) {
			t.Errorf("Apply(%v) = %+v, want %+v", c.src, rej, c.want)
		}
	}
}

func TestNotNullRejectsNull(t *testing.T) {
	pt := shipments()
	pt.Columns[7].NotNull = true // shipped_at: a zero date becomes NULL
	rej := compile(t, pt).Apply([]any{int64(9), nil, nil, nil, nil, "x", "1", "0000-00-00", nil}, make([]any, 9))
	want := Reject{Column: "shipped_at", Raw: "0000-00-00", Reason: "NULL in a NOT NULL column"}
	if rej == nil || *rej != want {
		t.Fatalf("got %+v, want %+v", rej, want)
	}
}

func TestApplyWrongWidthRejects(t *testing.T) {
	r := compile(t, shipments())
	rej := r.Apply([]any{int64(1)}, make([]any, 9))
	if rej == nil || !strings.Contains(rej.Reason, "row of 1 values into 9 target columns, want 9 and 9") {
		t.Fatalf("got %+v, want a reject naming the widths", rej)
	}
}

func TestCompileErrors(t *testing.T) {
	cases := map[string]func(*plan.Table){
		"compile crm.Shipments column note: source column Nope is not read":                                                func(p *plan.Table) { p.Columns[5].Source = "Nope" },
		"compile crm.Shipments column line_id: key column Nope is not read":                                                func(p *plan.Table) { p.Columns[4].KeyColumns = []string{"OrderID", "Nope"} },
		"compile crm.Shipments column line_id: no referenced table":                                                        func(p *plan.Table) { p.Columns[4].RefTable = "" },
		"compile crm.Shipments column id: no key columns":                                                                  func(p *plan.Table) { p.Columns[0].KeyColumns = nil },
		`compile crm.Shipments column total: cast decimal to "money(2)": modifiers of type money are not supported`:        func(p *plan.Table) { p.Columns[6].Type = "money(2)" },
		`compile crm.Shipments column fragile: cast default "maybe": "maybe" is not a boolean (0, 1, true, false, t or f)`: func(p *plan.Table) { p.Columns[8].Default = ptr("maybe") },
		`compile crm.Shipments column note: unknown role "derived"`:                                                        func(p *plan.Table) { p.Columns[5].Role = "derived" },
		`compile crm.Shipments column note: no expression`:                                                                 func(p *plan.Table) { p.Columns[5].Role = plan.RoleComputed },
	}
	for want, breakIt := range cases {
		pt := shipments()
		breakIt(pt)
		if _, err := Compile(pt, ns); err == nil || err.Error() != want {
			t.Errorf("Compile: %v\nwant %s", err, want)
		}
	}
}

// TestApplyAllocatesNothingForPassThroughValues: values that need no
// conversion cost no allocation, so the only allocations are new values.
func TestApplyAllocatesNothingForPassThroughValues(t *testing.T) {
	pt := &plan.Table{ID: "s.T", Source: "s", SourceTable: "T", ReadColumns: []string{"A", "B", "C", "D"},
		Columns: []plan.Column{value("a", "bigint", "A", kInt), value("b", "text", "B", kText),
			value("c", "double precision", "C", sluice.Type{Kind: sluice.KindFloat}), value("d", "timestamp", "D", kTS)}}
	r := compile(t, pt)
	src := []any{int64(1 << 40), "some text", 2.5, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	dst := make([]any, 4)
	allocs := testing.AllocsPerRun(100, func() {
		if rej := r.Apply(src, dst); rej != nil {
			t.Fatal(rej.Reason)
		}
	})
	if allocs != 0 {
		t.Errorf("Apply allocated %.0f times per row, want 0", allocs)
	}
}
