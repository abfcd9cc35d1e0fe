package transform

import (
	"bytes"
	"encoding/hex"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// hashed is a table loaded with merge: its values and their hash.
func hashed() *plan.Table {
	return &plan.Table{ID: "s.T", Source: "s", SourceTable: "T", Name: "t",
		ReadColumns: []string{"A", "B", "N", "D", "At", "Flag"},
		Columns: []plan.Column{value("a", "text", "A", kText), value("b", "text", "B", kText),
			value("n", "bigint", "N", kInt), value("d", "numeric", "D", kDecimal),
			value("at", "timestamptz", "At", sluice.Type{Kind: sluice.KindTimestampTZ, Precision: 6}),
			value("flag", "boolean", "Flag", kBool), hashCol}}
}

var hashedAt = time.Date(2024, 3, 1, 12, 30, 0, 123456000, time.UTC)

func hashedRow() []any { return []any{"ab", "c", int64(42), "12.50", hashedAt, true} }

func rowHashOf(t *testing.T, src ...any) []byte {
	t.Helper()
	return apply(t, hashed(), src...)[6].([]byte)
}

func TestRowHashIsDeterministic(t *testing.T) {
	a, b := rowHashOf(t, hashedRow()...), rowHashOf(t, hashedRow()...)
	if len(a) != 16 || !bytes.Equal(a, b) {
		t.Fatalf("two rows of the same values: %x and %x, want the same 16 bytes", a, b)
	}
	// The encoding is stored in targets: changing it rewrites every row of
	// every merge table on the next run. Change rowHashVersion with it.
	if got := hex.EncodeToString(a); got != goldenRowHash {
		t.Errorf("hash = %s, want %s", got, goldenRowHash)
	}
}

// goldenRowHash was computed independently (in Python) from the encoding
// rowHash documents.
const goldenRowHash = "51e5ecafe90665b3292cac90dd98b033"

func TestRowHashChangesWithAnyValue(t *testing.T) {
	base := rowHashOf(t, hashedRow()...)
	changes := map[string]func([]any){
		"text":                 func(r []any) { r[0] = "aB" },
		"boundary":             func(r []any) { r[0], r[1] = "a", "bc" },
		"NULL for empty text":  func(r []any) { r[1] = "" },
		"NULL":                 func(r []any) { r[1] = nil },
		"integer":              func(r []any) { r[2] = int64(43) },
		"numeric scale":        func(r []any) { r[3] = "12.5" },
		"a microsecond":        func(r []any) { r[4] = hashedAt.Add(time.Microsecond) },
		"bool":                 func(r []any) { r[5] = false },
		"swapped text columns": func(r []any) { r[0], r[1] = "c", "ab" },
	}
	seen := map[string]string{hex.EncodeToString(base): "the base row"}
	for name, change := range changes {
		src := hashedRow()
		change(src)
		h := hex.EncodeToString(rowHashOf(t, src...))
		if other, ok := seen[h]; ok {
			t.Errorf("%s: the same hash as %s", name, other)
		}
		seen[h] = name
	}
}

func TestRowHashIgnoresTheTimeZone(t *testing.T) {
	src := hashedRow()
	src[4] = hashedAt.In(time.FixedZone("CET", 3600))
	if !bytes.Equal(rowHashOf(t, src...), rowHashOf(t, hashedRow()...)) {
		t.Error("the same instant in another zone changed the hash")
	}
}

// TestHashEncodingIsUnambiguous: values that print alike, or are empty,
// encode differently.
func TestHashEncodingIsUnambiguous(t *testing.T) {
	values := []any{nil, "", []byte{}, int64(0), uint64(0), 0.0, float32(0), false, math.NaN(),
		"0", [16]byte{}, time.Unix(0, 0), time.Unix(0, 1),
		pgtype.Numeric{Int: numeric(0, 0).Int, Valid: true}, numeric(1250, -2), numeric(125, -1), numeric(-125, -1),
		pgtype.Numeric{NaN: true, Valid: true}, pgtype.Numeric{InfinityModifier: pgtype.Infinity, Valid: true},
		pgtype.Time{Microseconds: 0, Valid: true}, pgtype.Interval{Days: 1, Valid: true}, pgtype.Interval{Months: 1, Valid: true},
		pgtype.Bits{Bytes: []byte{0}, Len: 1, Valid: true}, pgtype.Bits{Bytes: []byte{0}, Len: 2, Valid: true},
		pgtype.Array[any]{Elements: []any{"a b"}, Dims: []pgtype.ArrayDimension{{Length: 1, LowerBound: 1}}, Valid: true},
		pgtype.Array[any]{Elements: []any{"a", "b"}, Dims: []pgtype.ArrayDimension{{Length: 2, LowerBound: 1}}, Valid: true},
		struct{ X int }{1},
	}
	seen := map[string]any{}
	for _, v := range values {
		enc := string(appendHashValue(nil, v))
		if other, ok := seen[enc]; ok {
			t.Errorf("%#v encodes as %#v does", v, other)
		}
		seen[enc] = v
	}
	if !bytes.Equal(appendHashValue(nil, math.NaN()), appendHashValue(nil, -math.NaN())) {
		t.Error("two NaNs encode differently")
	}
	if !bytes.Equal(appendHashValue(nil, pgtype.Numeric{}), appendHashValue(nil, nil)) {
		t.Error("an invalid numeric is not NULL")
	}
}

// BenchmarkRowHash hashes a 6-column row: text, an integer, a numeric, a
// timestamp and a flag.
func BenchmarkRowHash(b *testing.B) {
	pt := hashed()
	r := compile(b, pt)
	src, dst := hashedRow(), make([]any, len(pt.Columns))
	if rej := r.Apply(src, dst); rej != nil {
		b.Fatal(rej.Reason)
	}
	h := r.cols[6].hash
	b.ReportAllocs()
	for b.Loop() {
		h.sum(dst)
	}
}
