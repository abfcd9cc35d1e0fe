package mysql_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/sluicetest"
)

// summaryTable has a composite key and a value of every kind a digest must
// tell apart: NULL, ” and 'NULL' text, binary with quote, backslash and NUL
// bytes, dates, decimals, bits, latin1 text and timestamps.
const summaryTable = "CREATE TABLE t (a INT NOT NULL, b VARCHAR(10) NOT NULL, s VARCHAR(20) NULL, bin VARBINARY(8) NULL," +
	" d DATE NULL, n DECIMAL(10,2) NULL, bt BIT(8) NULL, l VARCHAR(10) CHARACTER SET latin1 NULL, ts TIMESTAMP NULL," +
	" PRIMARY KEY (a, b));\n"

var summaryCols = []string{"a", "b", "s", "bin", "d", "n", "bt", "l", "ts"}

// summaryRows are the rows (1..4) x (x, y, z); (2, y) has s NULL.
func summaryRows(reverse bool) string {
	texts := []string{"NULL", "''", "'NULL'", "'v,w'"}
	var rows []string
	for a := 1; a <= 4; a++ {
		for i, b := range []string{"x", "y", "z"} {
			k := (a*3 + i + 1) % 4
			rows = append(rows, fmt.Sprintf("(%d, '%s', %s, X'00%02X275C', '2024-0%d-1%d', %d.%02d, b'%b', 'café%d', '2024-01-0%d 10:00:0%d')",
				a, b, texts[k], a*3+i, a, i, a, i*7, a+i, a, a, i))
		}
	}
	if reverse {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return "INSERT INTO t VALUES " + strings.Join(rows, ",\n") + ";\n"
}

func newSummaryDB(t *testing.T, reverse bool) (string, *mysql.Source) {
	t.Helper()
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, summaryTable+summaryRows(reverse))
	src := openSource(t, url)
	t.Cleanup(func() { src.Close() })
	return url, src
}

func summaryReq(after, upto []any, limit int, where string) sluice.SummaryRequest {
	return sluice.SummaryRequest{
		ReadRequest: sluice.ReadRequest{Table: "t", Columns: summaryCols, Key: []string{"a", "b"}, After: after, Limit: limit, Where: where},
		Upto:        upto,
	}
}

func summarize(t *testing.T, src *mysql.Source, req sluice.SummaryRequest) sluice.Summary {
	t.Helper()
	sum, err := src.Summarize(t.Context(), req)
	if err != nil {
		t.Fatalf("summarize %+v: %v", req, err)
	}
	if len(sum.Hash) != 16 {
		t.Fatalf("hash %q: want 16 hex digits", sum.Hash)
	}
	return sum
}

func key(a int, b string) []any { return []any{int64(a), b} }

// keyAfter orders the test keys (int, lower-case ASCII) as the server does.
func keyAfter(k, bound []any) bool {
	if k[0].(int64) != bound[0].(int64) {
		return k[0].(int64) > bound[0].(int64)
	}
	return k[1].(string) > bound[1].(string)
}

// readCount counts what Read returns for req's After and Where, cut at Upto
// and Limit on the client: what the summary must count on the server.
func readCount(t *testing.T, src *mysql.Source, req sluice.SummaryRequest) int64 {
	t.Helper()
	rr := req.ReadRequest
	rr.Limit = 0
	it, err := src.Read(t.Context(), rr)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var n int64
	for it.Next() && (req.Limit == 0 || n < int64(req.Limit)) {
		if req.Upto == nil || !keyAfter(it.Key(), req.Upto) {
			n++
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

var boundCases = []struct {
	name string
	req  sluice.SummaryRequest
}{
	{"whole table", summaryReq(nil, nil, 0, "")},
	{"after", summaryReq(key(2, "y"), nil, 0, "")},
	{"upto", summaryReq(nil, key(3, "x"), 0, "")},
	{"after and upto", summaryReq(key(1, "z"), key(3, "y"), 0, "")},
	{"limit", summaryReq(nil, nil, 5, "")},
	{"after and limit", summaryReq(key(1, "y"), nil, 4, "")},
	{"limit inside the range", summaryReq(key(1, "x"), key(4, "x"), 2, "")},
	{"limit beyond the range", summaryReq(key(1, "x"), key(2, "z"), 100, "")},
	{"where", summaryReq(nil, nil, 0, "s IS NULL")},
	{"where with or inside bounds", summaryReq(key(1, "z"), key(4, "x"), 0, "a = 2 OR a = 4")},
	{"upto before after", summaryReq(key(3, "x"), key(2, "x"), 0, "")},
	{"upto equals after", summaryReq(key(3, "x"), key(3, "x"), 0, "")},
}

func TestSummarizeRowsMatchRead(t *testing.T) {
	_, src := newSummaryDB(t, false)
	for _, c := range boundCases {
		got, want := summarize(t, src, c.req).Rows, readCount(t, src, c.req)
		if got != want {
			t.Errorf("%s: %d rows, Read returns %d", c.name, got, want)
		}
	}
	empty := summarize(t, src, summaryReq(key(3, "x"), key(2, "x"), 0, ""))
	if empty.Hash != strings.Repeat("0", 16) {
		t.Errorf("empty range: hash %s, want zeros", empty.Hash)
	}
}

// xorHash combines two digests as the server combines rows.
func xorHash(t *testing.T, a, b string) string {
	x, err1 := hex.DecodeString(a)
	y, err2 := hex.DecodeString(b)
	if err1 != nil || err2 != nil {
		t.Fatalf("hashes %q, %q are not hex", a, b)
	}
	for i := range x {
		x[i] ^= y[i]
	}
	return hex.EncodeToString(x)
}

func TestSummarizeOrderIndependent(t *testing.T) {
	_, src := newSummaryDB(t, false)
	whole := summarize(t, src, summaryReq(key(1, "y"), key(3, "y"), 0, ""))
	byWhere := summarize(t, src, summaryReq(nil, nil, 0, "(a, b) > (1, 'y') AND (a, b) <= (3, 'y')"))
	first := summarize(t, src, summaryReq(key(1, "y"), nil, 3, ""))
	rest := summarize(t, src, summaryReq(key(2, "y"), key(3, "y"), 0, ""))
	if whole.Rows != 6 || byWhere != whole {
		t.Errorf("range %+v, same rows by where %+v", whole, byWhere)
	}
	if first.Rows+rest.Rows != whole.Rows || xorHash(t, first.Hash, rest.Hash) != whole.Hash {
		t.Errorf("range %+v, its two halves %+v and %+v do not combine to it", whole, first, rest)
	}
}

func TestSummarizeSameDataSameHash(t *testing.T) {
	_, one := newSummaryDB(t, false)
	_, two := newSummaryDB(t, true)
	for _, c := range boundCases {
		a, b := summarize(t, one, c.req), summarize(t, two, c.req)
		if a != b || a != summarize(t, one, c.req) {
			t.Errorf("%s: %+v in one database, %+v in the other", c.name, a, b)
		}
	}
}

// TestSummarizeDetectsChanges changes one thing at a time in the range
// (2, x] .. (4, x] and undoes it: each change gives a hash of its own, the
// undo gives the first hash back, and a change outside the range none.
func TestSummarizeDetectsChanges(t *testing.T) {
	url, src := newSummaryDB(t, false)
	req := summaryReq(key(1, "z"), key(4, "x"), 0, "")
	base := summarize(t, src, req)
	seen := map[string]string{base.Hash: "the original"}
	const row = " WHERE a = 2 AND b = 'y'"
	for _, c := range []struct{ change, undo string }{
		{"UPDATE t SET s = ''" + row, "UPDATE t SET s = NULL" + row},
		{"UPDATE t SET s = 'NULL'" + row, "UPDATE t SET s = NULL" + row},
		{"UPDATE t SET s = ',' WHERE a = 2 AND b = 'x'", "UPDATE t SET s = 'v,w' WHERE a = 2 AND b = 'x'"},
		{"UPDATE t SET a = 3, b = 'b'" + row, "UPDATE t SET a = 2, b = 'y' WHERE a = 3 AND b = 'b'"},
		{"UPDATE t SET b = 'yy'" + row, "UPDATE t SET b = 'y' WHERE a = 2 AND b = 'yy'"},
		{"UPDATE t SET bin = X'0108275C'" + row, "UPDATE t SET bin = X'0007275C'" + row},
		{"UPDATE t SET bin = X'0007275C00'" + row, "UPDATE t SET bin = X'0007275C'" + row},
		{"UPDATE t SET bin = NULL" + row, "UPDATE t SET bin = X'0007275C'" + row},
		{"UPDATE t SET d = '2024-02-12'" + row, "UPDATE t SET d = '2024-02-11'" + row},
		{"UPDATE t SET n = 2.08" + row, "UPDATE t SET n = 2.07" + row},
		{"UPDATE t SET bt = b'100'" + row, "UPDATE t SET bt = b'11'" + row},
		{"UPDATE t SET l = 'cafe2'" + row, "UPDATE t SET l = 'café2'" + row},
		{"UPDATE t SET ts = '2024-01-02 10:00:02'" + row, "UPDATE t SET ts = '2024-01-02 10:00:01'" + row},
		{"DELETE FROM t" + row, "INSERT INTO t SELECT 2, 'y', NULL, X'0007275C', '2024-02-11', 2.07, b'11', 'café2', '2024-01-02 10:00:01'"},
		{"INSERT INTO t (a, b) VALUES (3, 'a')", "DELETE FROM t WHERE a = 3 AND b = 'a'"},
	} {
		sluicetest.ExecMySQL(t, url, c.change)
		changed := summarize(t, src, req)
		if prev, dup := seen[changed.Hash]; dup {
			t.Errorf("%s: same hash as %s", c.change, prev)
		}
		seen[changed.Hash] = c.change
		sluicetest.ExecMySQL(t, url, c.undo)
		if again := summarize(t, src, req); again != base {
			t.Errorf("%s, then %s: %+v, want %+v", c.change, c.undo, again, base)
		}
	}
	for _, outside := range []string{
		"UPDATE t SET s = 'changed' WHERE a = 1 AND b = 'z'",
		"UPDATE t SET s = 'changed' WHERE a = 4 AND b = 'y'",
		"INSERT INTO t (a, b) VALUES (4, 'xa'), (0, 'a')",
		"DELETE FROM t WHERE a = 1",
	} {
		sluicetest.ExecMySQL(t, url, outside)
		if got := summarize(t, src, req); got != base {
			t.Errorf("%s: %+v, want %+v", outside, got, base)
		}
	}
}

func TestSummarizeErrors(t *testing.T) {
	url, src := newSummaryDB(t, false)
	noKey := summaryReq(key(2, "y"), nil, 0, "")
	noKey.Key, noKey.After = nil, nil
	unknown := summaryReq(key(2, "y"), nil, 0, "")
	unknown.Columns = []string{"nope"}
	for _, c := range []struct {
		req  sluice.SummaryRequest
		want string
	}{
		{noKey, "summarize legacy.t from the start: summaries need a key"},
		{unknown, `summarize legacy.t after key 2|y: table t has no column "nope"`},
		{summaryReq(key(2, "y"), []any{int64(3)}, 0, ""), "summarize legacy.t after key 2|y: 1 values up to a key of 2 columns"},
	} {
		if _, err := src.Summarize(t.Context(), c.req); err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
	sluicetest.ExecMySQL(t, url, "CREATE TABLE big (id INT PRIMARY KEY, v LONGBLOB); INSERT INTO big VALUES (1, REPEAT(X'27', 9000000))")
	big := sluice.SummaryRequest{ReadRequest: sluice.ReadRequest{Table: "big", Columns: []string{"v"}, Key: []string{"id"}}}
	if _, err := src.Summarize(t.Context(), big); err == nil || !strings.Contains(err.Error(), "max_allowed_packet") {
		t.Errorf("a row larger than max_allowed_packet: %v, want an error", err)
	}
}
