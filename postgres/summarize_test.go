package postgres

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// summaryTable has a composite key and a value of every kind a digest must
// tell apart: NULL, ” and 'NULL' text, bytea with quote, backslash and NUL
// bytes, dates, decimals, bits, floats and timestamps.
const summaryTable = `CREATE TABLE t (a int NOT NULL, b text NOT NULL, s text, bin bytea, d date, n numeric(10,2),
	bt bit varying(12), f double precision, ts timestamptz, PRIMARY KEY (a, b));
`

var summaryCols = []string{"a", "b", "s", "bin", "d", "n", "bt", "f", "ts"}

// summaryRows are the rows (1..4) x (x, y, z); (2, y) has s NULL.
func summaryRows(reverse bool) string {
	texts := []string{"NULL", "''", "'NULL'", "'v,w'"}
	var rows []string
	for a := 1; a <= 4; a++ {
		for i, b := range []string{"x", "y", "z"} {
			k := (a*3 + i + 1) % 4
			rows = append(rows, fmt.Sprintf(`(%d, '%s', %s, '\x00%02x275c', '2024-0%d-1%d', %d.%02d, B'%b', 0.%d, '2024-01-0%d 10:00:0%d+00')`,
				a, b, texts[k], a*3+i, a, i, a, i*7, a+i, a+i, a, i))
		}
	}
	if reverse {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return "INSERT INTO t VALUES " + strings.Join(rows, ",\n") + ";\n"
}

func newSummaryDB(t *testing.T, reverse bool) (string, *Source) {
	t.Helper()
	url := newDB(t, summaryTable+summaryRows(reverse))
	src := openURL(t, url)
	t.Cleanup(func() { src.Close() })
	return url, src
}

func summaryReq(after, upto []any, limit int, where string) sluice.SummaryRequest {
	return sluice.SummaryRequest{
		ReadRequest: sluice.ReadRequest{Table: "t", Columns: summaryCols, Key: []string{"a", "b"}, After: after, Limit: limit, Where: where},
		Upto:        upto,
	}
}

func summarize(t *testing.T, src *Source, req sluice.SummaryRequest) sluice.Summary {
	t.Helper()
	sum, err := src.Summarize(t.Context(), req)
	if err != nil {
		t.Fatalf("summarize %+v: %v", req, err)
	}
	if len(sum.Hash) != 32 {
		t.Fatalf("hash %q: want 32 hex digits", sum.Hash)
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
func readCount(t *testing.T, src *Source, req sluice.SummaryRequest) int64 {
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
	if empty.Hash != strings.Repeat("0", 32) {
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

// TestSummarizeSameDataSameHash compares two databases, the second loaded
// in reverse order and read with other session defaults: the settings the
// summary fixes must not leak into the hash.
func TestSummarizeSameDataSameHash(t *testing.T) {
	_, one := newSummaryDB(t, false)
	url := newDB(t, summaryTable+summaryRows(true)+`DO $$ BEGIN
		EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Asia/Tokyo');
		EXECUTE format('ALTER DATABASE %I SET DateStyle = %L', current_database(), 'SQL, DMY');
		EXECUTE format('ALTER DATABASE %I SET extra_float_digits = -3', current_database());
		EXECUTE format('ALTER DATABASE %I SET bytea_output = %L', current_database(), 'escape');
		END $$;`)
	two := openURL(t, url)
	defer two.Close()
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
		{`UPDATE t SET bin = '\x0108275c'` + row, `UPDATE t SET bin = '\x0007275c'` + row},
		{`UPDATE t SET bin = '\x0007275c00'` + row, `UPDATE t SET bin = '\x0007275c'` + row},
		{"UPDATE t SET bin = NULL" + row, `UPDATE t SET bin = '\x0007275c'` + row},
		{"UPDATE t SET d = '2024-02-12'" + row, "UPDATE t SET d = '2024-02-11'" + row},
		{"UPDATE t SET n = 2.08" + row, "UPDATE t SET n = 2.07" + row},
		{"UPDATE t SET bt = B'100'" + row, "UPDATE t SET bt = B'11'" + row},
		{"UPDATE t SET bt = B'011'" + row, "UPDATE t SET bt = B'11'" + row},
		{"UPDATE t SET f = 0.30000000000000004" + row, "UPDATE t SET f = 0.3" + row},
		{"UPDATE t SET ts = '2024-01-02 10:00:01.000001+00'" + row, "UPDATE t SET ts = '2024-01-02 10:00:01+00'" + row},
		{"DELETE FROM t" + row, `INSERT INTO t VALUES (2, 'y', NULL, '\x0007275c', '2024-02-11', 2.07, B'11', 0.3, '2024-01-02 10:00:01+00')`},
		{"INSERT INTO t (a, b) VALUES (3, 'a')", "DELETE FROM t WHERE a = 3 AND b = 'a'"},
	} {
		sluicetest.ExecPostgres(t, url, c.change)
		changed := summarize(t, src, req)
		if prev, dup := seen[changed.Hash]; dup {
			t.Errorf("%s: same hash as %s", c.change, prev)
		}
		seen[changed.Hash] = c.change
		sluicetest.ExecPostgres(t, url, c.undo)
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
		sluicetest.ExecPostgres(t, url, outside)
		if got := summarize(t, src, req); got != base {
			t.Errorf("%s: %+v, want %+v", outside, got, base)
		}
	}
}

// TestSummarizeFromLikeRead: an inheritance child's rows are not the
// parent's (FROM ONLY), a partitioned table's partitions are its rows.
func TestSummarizeFromLikeRead(t *testing.T) {
	src := openURL(t, newDB(t, `CREATE TABLE parent (id int PRIMARY KEY, v text);
		CREATE TABLE child () INHERITS (parent);
		INSERT INTO parent VALUES (1, 'a'); INSERT INTO child VALUES (2, 'b'), (3, 'c');
		CREATE TABLE parted (id int, v text, PRIMARY KEY (id)) PARTITION BY RANGE (id);
		CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
		CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (10) TO (20);
		INSERT INTO parted VALUES (1, 'a'), (11, 'b'), (12, 'c');`))
	defer src.Close()
	for table, want := range map[string]int64{"parent": 1, "child": 2, "parted": 3} {
		req := sluice.SummaryRequest{ReadRequest: sluice.ReadRequest{Table: table, Columns: []string{"v"}, Key: []string{"id"}}}
		if got := summarize(t, src, req).Rows; got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
}

func TestSummarizeErrors(t *testing.T) {
	_, src := newSummaryDB(t, false)
	byCtid := summaryReq([]any{"(0,3)"}, nil, 0, "")
	byCtid.Key = []string{RowID}
	noKey := summaryReq(nil, nil, 0, "")
	noKey.Key = nil
	unknown := summaryReq(key(2, "y"), nil, 0, "")
	unknown.Columns = []string{"nope"}
	for _, c := range []struct {
		req  sluice.SummaryRequest
		want string
	}{
		{byCtid, "summarize pg.public.t after key (0,3): summaries need a key"},
		{noKey, "summarize pg.public.t from the start: summaries need a key"},
		{summaryReq(key(2, "y"), []any{int64(3)}, 0, ""), "summarize pg.public.t after key 2|y: 1 key values up to, for a key of 2 columns"},
		{unknown, `summarize pg.public.t after key 2|y: ERROR: column "nope" does not exist (SQLSTATE 42703)`},
	} {
		if _, err := src.Summarize(t.Context(), c.req); err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}
