package audit

import (
	"encoding/json"
	"flag"
	"math/big"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// goldenEntry exercises every rule of the encoding; its encoding and hash
// are pinned in testdata/canonical.golden so the format cannot drift.
func goldenEntry() Entry {
	return Entry{
		Seq: 42, RunID: 7, Operation: OpChunkCommit, OSUser: "alice", Host: "db1.example",
		At:       time.Date(2024, 3, 1, 10, 30, 0, 123456789, time.FixedZone("CET", 3600)),
		PrevHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Details: map[string]any{
			"table": "clinical.Patients", "chunk": 3, "rows": int64(20000), "rejected": 0,
			"keys":  map[string]any{"after": []any{20000}, "last": []any{40000}},
			"ratio": 0.25, "tiny": 1e-7, "huge": 1e21, "exact": json.Number("1.50E+2"), "neg": -0.0,
			"big":  uint64(18446744073709551615),
			"text": "Zoë \"quoted\" back\\slash\ttab\nnewline\x01 <html>&amp; / 日本 🚀 \u2028",
			"ok":   true, "none": nil, "B": "upper case sorts first", "é": "non-ASCII key sorts last",
		},
	}
}

func TestCanonicalGolden(t *testing.T) {
	e := goldenEntry()
	canonical, err := Canonical(e)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := ComputeHash(e)
	if err != nil {
		t.Fatal(err)
	}
	got := string(canonical) + "\n" + hash + "\n"
	const path = "testdata/canonical.golden"
	if *update {
		writeFile(t, path, []byte(got))
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("canonical encoding drifted (rerun with -update only if the change is deliberate and documented):\ngot  %s\nwant %s", got, want)
	}
}

func TestCanonicalNumber(t *testing.T) {
	cases := map[string]string{
		"0": "0", "-0": "0", "-0.000": "0", "0e5": "0", "7": "7", "-7": "-7",
		"1.50": "1.5", "1.0": "1", "100": "100", "1e3": "1000", "1E+3": "1000", "1.5e-3": "0.0015",
		"-2.50e1": "-25", "123.456e1": "1234.56", "123.456e-5": "0.00123456", "0.000100": "0.0001",
		"18446744073709551615": "18446744073709551615", "1e21": "1000000000000000000000",
		"12345678901234567890.12345678901234567890": "12345678901234567890.1234567890123456789",
	}
	for in, want := range cases {
		if got, err := canonicalNumber(in); err != nil || got != want {
			t.Errorf("canonicalNumber(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-", "01", "1.", ".5", "+1", "1e", "1e+", "0x10", "1e1001", "1e-1001", "1e99999999999999999999", "NaN"} {
		if got, err := canonicalNumber(bad); err == nil {
			t.Errorf("canonicalNumber(%q) = %s, want an error", bad, got)
		}
	}
}

func TestCanonicalString(t *testing.T) {
	cases := map[string]string{
		"plain": `"plain"`, `q"b\`: `"q\"b\\"`, "\b\t\n\f\r": `"\b\t\n\f\r"`,
		"\x00\x1f\x7f": `"\u0000\u001f` + "\x7f\"", "<&>/": `"<&>/"`, "é\u2028🚀": "\"é\u2028🚀\"",
	}
	for in, want := range cases {
		if got := string(appendString(nil, in)); got != want {
			t.Errorf("appendString(%q) = %s, want %s", in, got, want)
		}
	}
}

// Normalising is idempotent and the canonical encoding is a fixed point of
// decoding: what is read back encodes to the same bytes.
func TestNormalizeIsAFixedPoint(t *testing.T) {
	once := mustNormal(t, goldenEntry().Details)
	if twice := mustNormal(t, once); !reflect.DeepEqual(once, twice) {
		t.Fatalf("normalising twice changes the details:\n%v\n%v", once, twice)
	}
	encoded, err := appendCanonical(nil, once)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := parseDetails(string(encoded))
	if err != nil || !reflect.DeepEqual(decoded, once) {
		t.Fatalf("decoded %v, %v; want %v", decoded, err, once)
	}
}

// Structs, times and typed maps are encoded through encoding/json and then
// normalised like the rest.
func TestNormalizeOtherTypes(t *testing.T) {
	type rule struct {
		Column string `json:"column"`
		Cast   string `json:"cast,omitempty"`
		Width  float32
	}
	got := mustNormal(t, map[string]any{
		"rules": []rule{{Column: "DOB", Width: 0.1}},
		"at":    time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		"m":     map[string]int{"b": 2},
		"n":     big.NewInt(0).Lsh(big.NewInt(1), 100),
	})
	want := map[string]any{
		"rules": []any{map[string]any{"column": "DOB", "Width": json.Number("0.1")}},
		"at":    "2024-01-02T03:04:05Z",
		"m":     map[string]any{"b": json.Number("2")},
		"n":     json.Number("1267650600228229401496703205376"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

// FuzzCanonicalNumber: the canonical form keeps the value, is itself
// canonical, and is valid JSON.
func FuzzCanonicalNumber(f *testing.F) {
	for _, s := range []string{"0", "-1.50e3", "123.456e-7", "1e21", "0.0", "18446744073709551615"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := canonicalNumber(s)
		if err != nil {
			return
		}
		var in, out big.Rat
		if _, ok := in.SetString(s); !ok {
			t.Fatalf("%q accepted but not a number", s)
		}
		if _, ok := out.SetString(got); !ok || in.Cmp(&out) != 0 {
			t.Fatalf("canonicalNumber(%q) = %q changes the value", s, got)
		}
		if again, err := canonicalNumber(got); err != nil || again != got {
			t.Fatalf("canonicalNumber(%q) = %q, not a fixed point (%q, %v)", s, got, again, err)
		}
		if !json.Valid([]byte(got)) || strings.ContainsAny(got, "eE+") {
			t.Fatalf("canonicalNumber(%q) = %q is not plain JSON", s, got)
		}
	})
}
