package transform

import (
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
)

// clinics is the parent table; each of its rows expands into chairs (a
// count), tags (a list) and codes (a JSON array).
var clinics = &plan.Table{ID: "east.Clinics", Source: "east", SourceTable: "Clinics", Name: "clinics",
	ReadColumns: []string{"ClinicID", "NumChairs", "Tags", "Codes", "Name"},
	Columns: []plan.Column{rowUUID("ClinicID"),
		{Name: "legacy_id", Type: "bigint", Role: plan.RoleLegacyKey, KeyColumns: []string{"ClinicID"}, SourceType: kInt}}}

func child(name, kind, column string, cols ...plan.Column) *plan.Table {
	return &plan.Table{ID: "east.Clinics#" + name, Source: "east", SourceTable: "Clinics", Name: name,
		ReadColumns: clinics.ReadColumns, Key: []string{"ClinicID"},
		Expansion: &plan.Expansion{Parent: "east.Clinics", Kind: kind, Column: column, Separator: ";"},
		Columns: append([]plan.Column{
			{Name: "id", Type: "uuid", NotNull: true, Role: plan.RoleExpandUUID, KeyColumns: []string{"ClinicID"}},
			{Name: "clinic_id", Type: "uuid", NotNull: true, Role: plan.RoleRefUUID, KeyColumns: []string{"ClinicID"}, RefTable: "Clinics"},
		}, cols...)}
}

func chairs() *plan.Table {
	return child("chairs", config.ExpandCount, "NumChairs",
		plan.Column{Name: "chair_no", Type: "integer", NotNull: true, Role: plan.RoleOrdinal},
		value("clinic_name", "text", "Name", kText))
}

func tags() *plan.Table {
	return child("tags", config.ExpandList, "Tags",
		plan.Column{Name: "position", Type: "smallint", Role: plan.RoleOrdinal},
		plan.Column{Name: "tag", Type: "varchar(5)", NotNull: true, Role: plan.RoleElement})
}

func codes() *plan.Table {
	return child("codes", config.ExpandJSON, "Codes",
		plan.Column{Name: "n", Type: "bigint", Role: plan.RoleOrdinal},
		plan.Column{Name: "code", Type: "text", Role: plan.RoleElement})
}

func clinic(chairs, tags, codes any) []any {
	return []any{int64(3), chairs, tags, codes, "Main St"}
}

func expand(t *testing.T, pt *plan.Table, src []any) [][]any {
	t.Helper()
	rows, rej := compile(t, pt).Expand(src, nil)
	if rej != nil {
		t.Fatalf("expand %s %v: rejected %+v", pt.ID, src, *rej)
	}
	return rows
}

// column returns one column of the rows.
func columnOf(rows [][]any, i int) []any {
	out := []any{}
	for _, r := range rows {
		out = append(out, r[i])
	}
	return out
}

func TestExpandCount(t *testing.T) {
	rows := expand(t, chairs(), clinic(int64(3), nil, nil))
	parent := apply(t, clinics, clinic(nil, nil, nil)...)
	if got := columnOf(rows, 2); !reflect.DeepEqual(got, []any{int32(1), int32(2), int32(3)}) {
		t.Fatalf("ordinals %v, want 1, 2, 3", got)
	}
	for k, r := range rows {
		want, _ := sluice.KeyUUID(ns, "east", "Clinics#chairs", []any{int64(3), int64(k + 1)})
		if r[0] != [16]byte(want) {
			t.Errorf("chair %d: id %x, want KeyUUID(ns, east, Clinics#chairs, 3, %d) = %x", k+1, r[0], k+1, want)
		}
		if r[1] != parent[0] || r[3] != "Main St" {
			t.Errorf("chair %d: clinic_id %x, name %v; want the parent's id %x and name", k+1, r[1], r[3], parent[0])
		}
	}
}

func TestExpandCounts(t *testing.T) {
	cases := []struct {
		in   any
		want int
	}{
		{int64(2), 2}, {int32(2), 2}, {uint8(2), 2}, {"4", 4}, {[]byte(" 4 "), 4}, {2.0, 2},
		{pgtype.Numeric{Int: big.NewInt(300), Exp: -2, Valid: true}, 3},
		{int64(0), 0}, {nil, 0}, {int64(maxChildren), maxChildren},
	}
	r := compile(t, chairs())
	for _, c := range cases {
		n, rej := r.Children(clinic(c.in, nil, nil))
		if rej != nil || n != c.want {
			t.Errorf("Children(%#v) = %d, %+v; want %d", c.in, n, rej, c.want)
		}
		if rows, _ := r.Expand(clinic(c.in, nil, nil), nil); c.want < 10 && len(rows) != c.want {
			t.Errorf("Expand(%#v) made %d rows, want %d", c.in, len(rows), c.want)
		}
	}
}

func TestExpandCountRejects(t *testing.T) {
	cases := map[any]string{
		int64(-1):                 "expand NumChairs: count -1 is negative",
		"2.5":                     `expand NumChairs: count "2.5" is not an integer`,
		2.5:                       "expand NumChairs: count 2.5 is not an integer",
		1e300:                     "expand NumChairs: count 1e+300 is not an integer",
		"many":                    `expand NumChairs: count "many" is not an integer`,
		true:                      "expand NumChairs: count of type bool is not an integer",
		int64(maxChildren + 1):    "expand NumChairs: 100001 rows from one source row, more than the 100000 allowed",
		int64(1 << 40):            "expand NumChairs: 1099511627776 rows from one source row, more than the 100000 allowed",
		"99999999999999999999999": `expand NumChairs: count "99999999999999999999999" is not an integer`,
	}
	r := compile(t, chairs())
	for in, reason := range cases {
		want := Reject{Column: "NumChairs", Raw: in, Reason: reason}
		if _, rej := r.Children(clinic(in, nil, nil)); rej == nil || !reflect.DeepEqual(*rej, want) {
			t.Errorf("Children(%#v) rejected %+v, want %+v", in, rej, want)
		}
		if rows, rej := r.Expand(clinic(in, nil, nil), nil); rej == nil || len(rows) != 0 {
			t.Errorf("Expand(%#v) = %d rows, %+v; want a reject", in, len(rows), rej)
		}
	}
}

func TestExpandList(t *testing.T) {
	cases := []struct {
		in   any
		want []any
	}{
		{"vip; kids;;  new ;", []any{"vip", "kids", "new"}},
		{[]byte("a;b"), []any{"a", "b"}},
		{"a,b", []any{"a,b"}},
		{"", []any{}},
		{" ; ; ", []any{}},
		{nil, []any{}},
	}
	for _, c := range cases {
		rows := expand(t, tags(), clinic(nil, c.in, nil))
		if got := columnOf(rows, 3); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: elements %q, want %q", c.in, got, c.want)
		}
		if len(rows) > 0 && !reflect.DeepEqual(columnOf(rows, 2)[len(rows)-1], int16(len(rows))) {
			t.Errorf("%q: last ordinal %v, want %d: ordinals count the kept elements", c.in, columnOf(rows, 2), len(rows))
		}
	}
	if _, rej := compile(t, tags()).Children(clinic(nil, int64(5), nil)); rej == nil || rej.Reason != "expand Tags: a value of type int64 is not text" {
		t.Errorf("an integer list: %+v", rej)
	}
	long := strings.Repeat("x;", maxChildren) + "x"
	if _, rej := compile(t, tags()).Children(clinic(nil, long, nil)); rej == nil || rej.Reason != "expand Tags: more than 100000 elements in one source row" {
		t.Errorf("a list of 100001 elements: %+v", rej)
	}
	if n, rej := compile(t, tags()).Children(clinic(nil, long[2:], nil)); rej != nil || n != maxChildren {
		t.Errorf("a list of 100000 elements: %d, %+v", n, rej)
	}
}

func TestExpandListDefaultSeparator(t *testing.T) {
	pt := tags()
	pt.Expansion.Separator = ""
	if got := columnOf(expand(t, pt, clinic(nil, "a, b", nil)), 3); !reflect.DeepEqual(got, []any{"a", "b"}) {
		t.Errorf("elements %q, want a, b", got)
	}
}

func TestExpandJSON(t *testing.T) {
	cases := []struct {
		in   any
		want []any
	}{
		{`["x", "say \"hi\"", 2.50, {"b": 1, "a": [1, 2]}, null, true]`, []any{"x", `say "hi"`, "2.50", `{"b":1,"a":[1,2]}`, nil, "true"}},
		{[]byte(` [ "a" ] `), []any{"a"}},
		{`[]`, []any{}},
		{nil, []any{}},
	}
	for _, c := range cases {
		rows := expand(t, codes(), clinic(nil, nil, c.in))
		if got := columnOf(rows, 3); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: elements %#v, want %#v", c.in, got, c.want)
		}
		if got := columnOf(rows, 2); len(rows) > 0 && got[len(got)-1] != int64(len(rows)) {
			t.Errorf("%s: ordinals %v", c.in, got)
		}
	}
}

func TestExpandJSONRejects(t *testing.T) {
	cases := map[string]string{
		`{"a": [1]}`: "expand Codes: JSON an object is not an array",
		`null`:       "expand Codes: JSON null is not an array",
		`"[1]"`:      "expand Codes: JSON a string is not an array",
		`12`:         "expand Codes: JSON a number is not an array",
		`[1, 2`:      "expand Codes: not valid JSON: unexpected end of JSON input",
	}
	r := compile(t, codes())
	for in, reason := range cases {
		if _, rej := r.Children(clinic(nil, nil, in)); rej == nil || rej.Reason != reason || rej.Column != "Codes" || rej.Raw != in {
			t.Errorf("%s: rejected %+v, want %s", in, rej, reason)
		}
	}
}

// TestExpandRejectDropsTheWholeSourceRow: the source row is the unit that is
// loaded or rejected, so a child that cannot load takes its siblings along.
func TestExpandRejectDropsTheWholeSourceRow(t *testing.T) {
	r := compile(t, tags())
	out, rej := r.Expand(clinic(nil, "a;b", nil), nil)
	if rej != nil || len(out) != 2 {
		t.Fatalf("first row: %d rows, %+v", len(out), rej)
	}
	out, rej = r.Expand(clinic(nil, "ok;toolong", nil), out)
	want := Reject{Column: "tag", Raw: "toolong", Reason: "7 characters, varchar(5) holds 5"}
	if rej == nil || !reflect.DeepEqual(*rej, want) {
		t.Fatalf("rejected %+v, want %+v", rej, want)
	}
	if len(out) != 2 || out[:3][2] != nil {
		t.Errorf("out holds %d rows, want the first row's 2 only", len(out))
	}
	src := clinic(nil, "a", nil)
	src[0] = nil
	if _, rej := r.Expand(src, nil); rej == nil || rej.Column != "id" || rej.Reason != "key column ClinicID is NULL" {
		t.Errorf("a NULL parent key: %+v", rej)
	}
}

func TestExpandIDsAreDistinct(t *testing.T) {
	seen := map[any]string{}
	for _, pt := range []*plan.Table{chairs(), tags(), codes()} {
		for _, id := range []int64{1, 2} {
			src := clinic(int64(2), "a;b", `["a", "b"]`)
			src[0] = id
			for _, r := range expand(t, pt, src) {
				if other, ok := seen[r[0]]; ok {
					t.Errorf("%s of clinic %d: the id of %s", pt.Name, id, other)
				}
				seen[r[0]] = pt.Name
			}
		}
	}
	if len(seen) != 12 {
		t.Errorf("%d ids, want 12", len(seen))
	}
}

func TestApplyAndExpandKeepApart(t *testing.T) {
	r := compile(t, chairs())
	if !r.Expands() || compile(t, clinics).Expands() {
		t.Error("Expands: want true for the child only")
	}
	rej := r.Apply(clinic(int64(1), nil, nil), make([]any, 4))
	if rej == nil || !strings.Contains(rej.Reason, "east.Clinics#chairs is an expansion") || !strings.Contains(rej.Reason, "use Expand") {
		t.Errorf("Apply on an expansion: %+v", rej)
	}
	if _, rej := compile(t, clinics).Expand(clinic(nil, nil, nil), nil); rej == nil || rej.Reason != "east.Clinics is not an expansion" {
		t.Errorf("Expand on a table: %+v", rej)
	}
	if _, rej := r.Children([]any{int64(1)}); rej == nil || rej.Reason != "row of 1 values, want 5" {
		t.Errorf("a short row: %+v", rej)
	}
}

func TestExpandCompileErrors(t *testing.T) {
	cases := map[string]*plan.Table{
		"compile east.Clinics#chairs column tag: a count expansion has no elements": func() *plan.Table {
			pt := chairs()
			pt.Columns = append(pt.Columns, plan.Column{Name: "tag", Type: "text", Role: plan.RoleElement})
			return pt
		}(),
		"compile east.Clinics#chairs expansion: expanded column Nope is not read": func() *plan.Table {
			pt := chairs()
			pt.Expansion.Column = "Nope"
			return pt
		}(),
		`compile east.Clinics#chairs expansion: unknown kind "zip"`: func() *plan.Table {
			pt := chairs()
			pt.Expansion.Kind = "zip"
			return pt
		}(),
		"compile east.Clinics column n: not an expansion table": func() *plan.Table {
			pt := *clinics
			pt.Columns = append(pt.Columns[:2:2], plan.Column{Name: "n", Type: "integer", Role: plan.RoleOrdinal})
			return &pt
		}(),
	}
	for want, pt := range cases {
		if _, err := Compile(pt, ns); err == nil || err.Error() != want {
			t.Errorf("got  %v\nwant %s", err, want)
		}
	}
}

// A live sync finds a row's children by Parent: the value every child of
// the row holds in its parent column, the parent row's uuid.
func TestExpandParent(t *testing.T) {
	row := compile(t, chairs())
	src := clinic(int64(2), nil, nil)
	rows, rej := row.Expand(src, nil)
	if rej != nil || len(rows) != 2 {
		t.Fatalf("expand: %d rows, reject %+v", len(rows), rej)
	}
	name, v, rej := row.Parent(src)
	if rej != nil {
		t.Fatalf("parent: rejected %+v", *rej)
	}
	parent := apply(t, clinics, clinic(nil, nil, nil)...)
	if name != "clinic_id" || v != parent[0] || rows[0][1] != v || rows[1][1] != v {
		t.Fatalf("parent %s = %v; children hold %v, %v; the parent row's uuid is %v", name, v, rows[0][1], rows[1][1], parent[0])
	}
	noKey := clinic(int64(2), nil, nil)
	noKey[0] = nil
	if _, _, rej := row.Parent(noKey); rej == nil {
		t.Fatal("a row without its key has a parent")
	}
	if _, _, rej := compile(t, clinics).Parent(src); rej == nil {
		t.Fatal("a table that is not an expansion has a parent column")
	}
}
