package sqlserver_test

import (
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

var peopleCols = []string{"id", "name", "manager_id", "born", "score", "active", "note", "photo"}

func peopleSummary(after, upto []any, limit int, where string) sluice.SummaryRequest {
	return sluice.SummaryRequest{ReadRequest: sluice.ReadRequest{Table: "people", Columns: peopleCols,
		Key: []string{"id"}, After: after, Limit: limit, Where: where}, Upto: upto}
}

// summarizeScript serves a variant of the conformance fixture and digests
// req on it.
func summarizeScript(t *testing.T, script string, req sluice.SummaryRequest) sluice.Summary {
	t.Helper()
	src := openSource(t, sluicetest.SQLServerFixture(t, script))
	defer src.Close()
	sum, err := src.Summarize(t.Context(), req)
	if err != nil {
		t.Fatalf("summarize %+v: %v", req, err)
	}
	if len(sum.Hash) != 32 {
		t.Fatalf("hash %q: want 32 hex digits", sum.Hash)
	}
	return sum
}

// TestSummarizeCountsWhatReadReads: the rows a summary covers are the rows
// Read returns for the same bounds, limit and filter.
func TestSummarizeCountsWhatReadReads(t *testing.T) {
	script := conformanceScript(t)
	cases := []struct {
		req  sluice.SummaryRequest
		want int64
	}{
		{peopleSummary(nil, nil, 0, ""), 5},
		{peopleSummary([]any{int64(1)}, nil, 2, ""), 2},
		{peopleSummary([]any{int64(4)}, nil, 2, ""), 1},
		{peopleSummary([]any{int64(1)}, []any{int64(4)}, 0, ""), 3},
		{peopleSummary(nil, []any{int64(4)}, 2, ""), 2},
		{peopleSummary(nil, nil, 0, "name = N'Dup'"), 2},
		{peopleSummary([]any{int64(5)}, nil, 2, ""), 0},
	}
	for _, c := range cases {
		if got := summarizeScript(t, script, c.req); got.Rows != c.want {
			t.Errorf("after %v upto %v limit %d where %q: %d rows, want %d",
				c.req.After, c.req.Upto, c.req.Limit, c.req.Where, got.Rows, c.want)
		}
	}
}

// TestSummarizeDetectsChanges: each change to one value of the range gives
// another hash (a change of case too, though the collation calls the two
// strings equal); the same rows inserted in another order give the same
// hash; a change outside the range leaves it.
func TestSummarizeDetectsChanges(t *testing.T) {
	base := conformanceScript(t)
	req := peopleSummary([]any{int64(1)}, []any{int64(5)}, 0, "")
	first := summarizeScript(t, base, req)
	changes := map[string][2]string{
		"case":        {"(4, N'Dup', 2", "(4, N'dup', 2"},
		"decimal":     {"'2000-01-01', 0.00", "'2000-01-01', 0.01"},
		"NULL to ''":  {"1, NULL, NULL),", "1, N'', NULL),"},
		"binary":      {"0xDEADBEEF", "0xDEADBEEE"},
		"date":        {"'2024-02-29'", "'2024-02-28'"},
		"bit":         {"12345678.99, 0,", "12345678.99, 1,"},
		"empty bytes": {"NULL, NULL, N'', 0x)", "NULL, NULL, N'', NULL)"},
	}
	for name, ch := range changes {
		if !strings.Contains(base, ch[0]) {
			t.Fatalf("%s: the fixture has no %q", name, ch[0])
		}
		got := summarizeScript(t, strings.Replace(base, ch[0], ch[1], 1), req)
		if got.Hash == first.Hash {
			t.Errorf("%s: the hash did not change", name)
		}
	}
	outside := strings.Replace(base, "(1, N'Ada'", "(1, N'Ida'", 1)
	if got := summarizeScript(t, outside, req); got != first {
		t.Errorf("a change outside the range changed the summary: %+v, was %+v", got, first)
	}
	stored := "(1, N'x', 10), (1, N'y', NULL)"
	if !strings.Contains(base, stored) {
		t.Fatalf("the fixture has no %q", stored)
	}
	reordered := strings.Replace(base, stored, "(1, N'y', NULL), (1, N'x', 10)", 1)
	pairs := sluice.SummaryRequest{ReadRequest: sluice.ReadRequest{Table: "pairs", Columns: []string{"a", "b", "v"}, Key: []string{"a", "b"}}}
	if a, b := summarizeScript(t, base, pairs), summarizeScript(t, reordered, pairs); a != b {
		t.Errorf("rows stored in another order: %+v, want %+v", b, a)
	}
}
