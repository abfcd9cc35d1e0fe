package transform

import (
	"math/big"

	"github.com/jackc/pgx/v5/pgtype"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/plan"
)

func computed(name, typ, expr string) plan.Column {
	return plan.Column{Name: name, Type: typ, Role: plan.RoleComputed, Expr: expr}
}

// visits reads typed columns (cast into the target) and untyped ones that
// only expressions read.
func visits(cols ...plan.Column) *plan.Table {
	return &plan.Table{ID: "east.Visits", Source: "east", SourceTable: "Visits",
		ReadColumns: []string{"VisitID", "First", "Last", "Sex", "Minutes", "VisitedAt", "Fee"},
		Columns: append([]plan.Column{rowUUID("VisitID"), value("first", "text", "First", kText),
			value("minutes", "integer", "Minutes", kInt), value("visited_at", "timestamp", "VisitedAt", kTS)}, cols...)}
}

var visitedAt = time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)

func visit(first, last any) []any {
	return []any{int64(1), first, last, "F", int64(90), visitedAt, "12.50"}
}

func TestComputed(t *testing.T) {
	cases := []struct {
		name string
		col  plan.Column
		src  []any
		want any
	}{
		{"concatenation of a typed and an untyped column", computed("c", "text", `First + " " + Last`), visit("Ada", []byte("Lovelace")), "Ada Lovelace"},
		{"arithmetic into integer", computed("c", "integer", `Minutes * 60`), visit("Ada", nil), int32(5400)},
		{"float into numeric", computed("c", "numeric(6,2)", `Minutes / 60`), visit("Ada", nil), numeric(15, -1)},
		{"decimal text into numeric", computed("c", "numeric(10,2)", `Fee`), visit("Ada", nil), numeric(1250, -2)},
		{"case into text", computed("c", "varchar(10)", `Minutes > 60 ? "long" : "short"`), visit("Ada", nil), "long"},
		{"date part into smallint", computed("c", "smallint", `VisitedAt.Month()`), visit("Ada", nil), int16(3)},
		{"time into date", computed("c", "date", `VisitedAt.Truncate(duration("24h"))`), visit("Ada", nil), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"value map", computed("c", "text", `{"M": "male", "F": "female"}[Sex] ?? "unknown"`), visit("Ada", nil), "female"},
		{"bool", computed("c", "boolean", `Minutes >= 90`), visit("Ada", nil), true},
		{"NULL result", computed("c", "text", `Last`), visit("Ada", nil), nil},
		{"NULL result takes the default", withDefault(computed("c", "text", `Last`), "n/a"), visit("Ada", nil), "n/a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := apply(t, visits(c.col), c.src...)
			if !reflect.DeepEqual(got[4], c.want) {
				t.Fatalf("got %#v, want %#v", got[4], c.want)
			}
		})
	}
}

func withDefault(c plan.Column, def string) plan.Column {
	c.Default = &def
	return c
}

func notNull(c plan.Column) plan.Column {
	c.NotNull = true
	return c
}

func TestComputedRejects(t *testing.T) {
	cases := []struct {
		name string
		col  plan.Column
		want Reject
	}{
		{"runtime error", computed("full", "text", `First + " " + Last`),
			Reject{Column: "full", Raw: "First=Ada, Last=NULL", Reason: `expression First + " " + Last: invalid operation: string + <nil> (NULL: Last)`}},
		{"integer division by zero", computed("c", "integer", `Minutes % (Minutes - 90)`),
			Reject{Column: "c", Raw: "Minutes=90", Reason: "expression Minutes % (Minutes - 90): runtime error: integer divide by zero"}},
		{"result does not fit the type", computed("c", "varchar(3)", `First + "!"`),
			Reject{Column: "c", Raw: "Ada!", Reason: "expression First + \"!\": 4 characters, varchar(3) holds 3"}},
		{"result is not a number", computed("c", "integer", `First`),
			Reject{Column: "c", Raw: "Ada", Reason: `expression First: "Ada" is not an integer`}},
		{"NULL in a NOT NULL column", notNull(computed("c", "text", `Last`)),
			Reject{Column: "c", Raw: "Last=NULL", Reason: "NULL in a NOT NULL column"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pt := visits(c.col)
			rej := compile(t, pt).Apply(visit("Ada", nil), make([]any, len(pt.Columns)))
			if rej == nil || !reflect.DeepEqual(*rej, c.want) {
				t.Fatalf("got  %+v\nwant %+v", rej, c.want)
			}
		})
	}
}

func TestComputedCompileErrors(t *testing.T) {
	cases := map[string]plan.Column{
		"compile east.Visits column c: expression Frist: unknown column Frist; nearest columns: First, Last, Fee":                   computed("c", "text", `Frist`),
		"compile east.Visits column c: expression Minutes + \"x\": invalid operation: + (mismatched types int and string) (at 1:9)": computed("c", "text", `Minutes + "x"`),
		`compile east.Visits column c: cast default "x": "x" is not an integer`:                                                     withDefault(computed("c", "integer", `Minutes`), "x"),
	}
	for want, col := range cases {
		if _, err := Compile(visits(col), ns); err == nil || err.Error() != want {
			t.Errorf("got  %v\nwant %s", err, want)
		}
	}
}

// TestComputedTypesComeFromThePlan: a column the plan casts is typed in the
// expression (an int, so Minutes + "x" fails to compile, above); one only
// the expression reads is untyped, so it compiles and its value decides.
func TestComputedTypesComeFromThePlan(t *testing.T) {
	pt := visits(computed("c", "text", `Last + "!"`))
	r := compile(t, pt)
	dst := make([]any, len(pt.Columns))
	if rej := r.Apply(visit("Ada", int64(7)), dst); rej == nil || !strings.Contains(rej.Reason, "invalid operation: int + string") {
		t.Fatalf("an untyped int plus text: %+v, want a runtime reject", rej)
	}
}

func numeric(i int64, exp int32) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(i), Exp: exp, Valid: true}
}
