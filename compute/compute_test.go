package compute

import (
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

func col(name string, kind sluice.Kind) sluice.Column {
	return sluice.Column{Name: name, Type: sluice.Type{Kind: kind}}
}

// patients is the source table every case reads.
var patients = []sluice.Column{
	col("FirstName", sluice.KindString), col("LastName", sluice.KindText), col("Sex", sluice.KindEnum),
	col("Visits", sluice.KindInt), col("Weight", sluice.KindFloat), col("Balance", sluice.KindDecimal),
	col("BornAt", sluice.KindDate), col("Active", sluice.KindBool), col("Order Date", sluice.KindTimestamp),
	col("in", sluice.KindText), col("Extra", sluice.KindOther), col("Photo", sluice.KindBytes),
}

func row(first, last any) []any {
	return []any{first, last, "M", int64(12), 71.5, "1234.50",
		time.Date(1980, 7, 14, 0, 0, 0, 0, time.UTC), true,
		time.Date(2024, 3, 1, 15, 4, 5, 0, time.UTC), "reserved", []byte("raw"), []byte{0xff}}
}

func run(t *testing.T, expression string, src []any) (any, error) {
	t.Helper()
	p, err := Compile(expression, patients)
	if err != nil {
		t.Fatalf("compile %s: %v", expression, err)
	}
	return p.Run(src)
}

func TestRun(t *testing.T) {
	ada := row("Ada", []byte("Lovelace"))
	cases := []struct {
		name, expr string
		src        []any
		want       any
	}{
		{"concatenation", `FirstName + " " + LastName`, ada, "Ada Lovelace"},
		{"arithmetic on ints stays an int", `Visits * 2 + 1`, ada, int64(25)},
		{"arithmetic mixes ints and floats", `Weight / Visits`, ada, 71.5 / 12},
		{"ternary", `Visits > 10 ? "frequent" : "rare"`, ada, "frequent"},
		{"case when as chained ternaries", `Sex == "F" ? "female" : Sex == "M" ? "male" : "other"`, ada, "male"},
		{"date part", `BornAt.Year()`, ada, int64(1980)},
		{"named integer date part", `$env["Order Date"].Month()`, ada, int64(3)},
		{"date format", `$env["Order Date"].Format("2006-01")`, ada, "2024-03"},
		{"map lookup", `{"M": "male", "F": "female"}[Sex] ?? "unknown"`, ada, "male"},
		{"map lookup misses", `{"F": "female"}[Sex] ?? "unknown"`, ada, "unknown"},
		{"reserved word column", `upper($env.in)`, ada, "RESERVED"},
		{"decimal stays exact text", `Balance`, ada, "1234.50"},
		{"decimal arithmetic is explicit", `float(Balance) * 2`, ada, 2469.0},
		{"NULL with ??", `FirstName + " " + (LastName ?? "")`, row("Ada", nil), "Ada "},
		{"NULL compared", `LastName == nil ? "unknown" : LastName`, row("Ada", nil), "unknown"},
		{"coalesce", `coalesce(LastName, FirstName, "x")`, row("Ada", nil), "Ada"},
		{"nullif", `nullif(FirstName, "")`, row("", nil), nil},
		{"a NULL result", `LastName`, row("Ada", nil), nil},
		{"bool", `Active && Visits > 3`, ada, true},
		{"list becomes JSON", `[Visits, FirstName]`, ada, `[12,"Ada"]`},
		{"map becomes JSON with sorted keys", `{"z": 1, "a": Sex}`, ada, `{"a":"M","z":1}`},
		{"untyped column bytes read as text", `Extra + "!"`, ada, "raw!"},
		{"binary stays bytes", `Photo`, ada, []byte{0xff}},
		{"let", `let full = FirstName + " " + LastName; upper(full)`, ada, "ADA LOVELACE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := run(t, c.expr, c.src)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

// TestInputsAreNormalised: whatever Go type an engine yields for a kind, the
// expression sees the kind's own type.
func TestInputsAreNormalised(t *testing.T) {
	cases := []struct {
		name string
		kind sluice.Kind
		in   any
		want any
	}{
		{"int32 to int", sluice.KindInt, int32(7), 7},
		{"uint8 to int", sluice.KindInt, uint8(7), 7},
		{"integer text to int", sluice.KindInt, "42", 42},
		{"text bytes to string", sluice.KindText, []byte("abc"), "abc"},
		{"uuid to its text", sluice.KindUUID, [16]byte{1}, "01000000-0000-0000-0000-000000000000"},
		{"pgtype numeric to exact text", sluice.KindDecimal, pgtype.Numeric{Int: big.NewInt(1250), Exp: -2, Valid: true}, "12.50"},
		{"float32 widened exactly", sluice.KindFloat, float32(0.1), float64(float32(0.1))},
		{"tinyint bool", sluice.KindBool, int64(1), true},
		{"time to UTC", sluice.KindTimestampTZ, time.Date(2024, 1, 1, 2, 0, 0, 0, time.FixedZone("CET", 3600)), time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC)},
		{"date text to time", sluice.KindDate, "2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"untyped int64 to int", sluice.KindOther, int64(5), 5},
		{"NULL", sluice.KindInt, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Compile(`X`, []sluice.Column{col("X", c.kind)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Run([]any{c.in}); err != nil {
				t.Fatal(err)
			}
			if got := p.env["X"]; !reflect.DeepEqual(got, c.want) {
				t.Fatalf("the expression saw %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	cases := map[string]string{
		`FirstNmae + "x"`:    `expression FirstNmae + "x": unknown column FirstNmae; nearest columns: FirstName, LastName, BornAt`,
		`FirstName + 1`:      `expression FirstName + 1: invalid operation: + (mismatched types string and int) (at 1:11)`,
		`Visits +`:           `expression Visits +: unexpected token EOF (at 1:8)`,
		`now().Year()`:       `expression now().Year(): now() is not available: a computed value must be the same on every run (at 1:1)`,
		`$env[FirstName]`:    `expression $env[FirstName]: $env must be indexed by a column name in quotes, not by FirstName`,
		`len($env)`:          `expression len($env): $env may only be indexed by a column name in quotes`,
		`$env["Nope"] ?? ""`: `expression $env["Nope"] ?? "": unknown column Nope; nearest columns: Sex, in, Photo`,
	}
	for expression, want := range cases {
		_, err := Compile(expression, patients)
		if err == nil || err.Error() != want {
			t.Errorf("Compile(%s):\n got %v\nwant %s", expression, err, want)
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Errorf("Compile(%s): %T, want an *Error", expression, err)
		}
	}
}

func TestRunErrors(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`Visits % 0`, "expression Visits % 0: runtime error: integer divide by zero"},
		{`FirstName + " " + LastName`, `expression FirstName + " " + LastName: invalid operation: string + <nil> (NULL: LastName)`},
		{`upper(LastName)`, "expression upper(LastName): interface conversion: interface {} is nil, not string (NULL: LastName)"},
		{`$env["Order Date"] - BornAt`, "expression $env[\"Order Date\"] - BornAt: the result is a duration (382479h4m5s): use .Hours(), .Minutes() or .Seconds()"},
		{`int("abc")`, `expression int("abc"): invalid operation: int(abc)`},
	}
	for _, c := range cases {
		_, err := run(t, c.expr, row("Ada", nil))
		if err == nil || err.Error() != c.want {
			t.Errorf("Run(%s):\n got %v\nwant %s", c.expr, err, c.want)
		}
	}
}

func TestRunRejectsAValueItCannotNormalise(t *testing.T) {
	p, err := Compile(`Visits + 1`, patients)
	if err != nil {
		t.Fatal(err)
	}
	src := row("Ada", nil)
	src[3] = "twelve"
	_, err = p.Run(src)
	if err == nil || !strings.Contains(err.Error(), `column Visits: "twelve" is not an integer`) {
		t.Fatalf("got %v, want the column and why", err)
	}
	if _, err := p.Run(src[:3]); err == nil || !strings.Contains(err.Error(), "row of 3 values, want 12") {
		t.Fatalf("short row: %v", err)
	}
}

func TestVars(t *testing.T) {
	cases := map[string][]string{
		`FirstName + " " + LastName + FirstName`:                {"FirstName", "LastName"},
		`coalesce(LastName, $env["Order Date"].Format("2006"))`: {"LastName", "Order Date"},
		`let x = Visits; x * 2 + len(filter([1, 2], # > x))`:    {"Visits"},
		`{"M": "male"}[Sex] ?? "unknown"`:                       {"Sex"},
		`upper($env.in)`:                                        {"in"},
		`1 + 2`:                                                 nil,
	}
	for expression, want := range cases {
		got, err := Vars(expression)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Vars(%s) = %q, %v; want %q", expression, got, err, want)
		}
	}
	p, err := Compile(`LastName + FirstName`, patients)
	if err != nil || !reflect.DeepEqual(p.Vars(), []string{"LastName", "FirstName"}) {
		t.Errorf("Program.Vars() = %q, %v", p.Vars(), err)
	}
}

// TestRunReusesItsEnvironment: a row costs no map, only the boxed values.
func TestRunReusesItsEnvironment(t *testing.T) {
	p, err := Compile(`Active ? Sex : FirstName`, patients)
	if err != nil {
		t.Fatal(err)
	}
	src := row("Ada", "Lovelace")
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := p.Run(src); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("Run allocated %.0f times for values that need no conversion, want 0", allocs)
	}
}

func BenchmarkRun(b *testing.B) {
	p, err := Compile(`FirstName + " " + LastName + (Visits > 10 ? " (frequent)" : "")`, patients)
	if err != nil {
		b.Fatal(err)
	}
	src := row("Ada", "Lovelace")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Run(src); err != nil {
			b.Fatal(err)
		}
	}
}
