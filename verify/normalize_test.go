package verify

import (
	"math/big"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

func TestCanonDecimal(t *testing.T) {
	cases := map[string]string{
		"1.50": "1.5", "15e-1": "1.5", "1.5E0": "1.5", "100": "100", "1e2": "100",
		"-0.0": "0", "0": "0", "-12.250": "-12.25", "0.001": "0.001", "1e-3": "0.001",
		"1e40": "1e40", "000.5": "0.5",
	}
	for in, want := range cases {
		if got := canonDecimal(in); got != want {
			t.Errorf("canonDecimal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormJSONB(t *testing.T) {
	a := normJSONB(nil, append([]byte{1}, `{"b": 1.0, "a": [1e2, "x"], "b": 2}`...))
	b := normJSONB(nil, append([]byte{1}, `{"a":[100,"x"],"b":2.00}`...))
	if string(a) != string(b) || string(a[1:]) != `{"a":[100,"x"],"b":2}` {
		t.Errorf("jsonb normalized to %q and %q", a[1:], b[1:])
	}
}

// TestNormNumeric: equal numerics with other display scales and digit
// groups encode to the same bytes; different ones do not.
func TestNormNumeric(t *testing.T) {
	m := pgtype.NewMap()
	enc := func(n *big.Int, exp int32) []byte {
		b, err := m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, pgtype.Numeric{Int: n, Exp: exp, Valid: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return normNumeric(nil, b)
	}
	if a, b := enc(big.NewInt(125), -1), enc(big.NewInt(12500), -3); string(a) != string(b) {
		t.Errorf("12.5 and 12.500 differ: %x %x", a, b)
	}
	if a, b := enc(big.NewInt(0), 0), enc(big.NewInt(0), -2); string(a) != string(b) {
		t.Errorf("0 and 0.00 differ: %x %x", a, b)
	}
	if a, b := enc(big.NewInt(125), -1), enc(big.NewInt(126), -1); string(a) == string(b) {
		t.Error("12.5 and 12.6 encode the same")
	}
	if a, b := enc(big.NewInt(1), 4), enc(big.NewInt(10000), 0); string(a) != string(b) {
		t.Errorf("1e4 and 10000 differ: %x %x", a, b)
	}
}
