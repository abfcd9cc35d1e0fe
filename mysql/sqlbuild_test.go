package mysql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

func TestSelectSQL(t *testing.T) {
	cases := []struct {
		name string
		req  sluice.ReadRequest
		sql  string
		args string
	}{
		{"whole table unordered",
			sluice.ReadRequest{Table: "no_key", Columns: []string{"x", "y"}},
			"SELECT `x`, `y` FROM `no_key`", "[]"},
		{"first chunk",
			sluice.ReadRequest{Table: "people", Columns: []string{"id", "name"}, Key: []string{"id"}, Limit: 100},
			"SELECT `id`, `name`, `id` FROM `people` ORDER BY `id` LIMIT 100", "[]"},
		{"single key after",
			sluice.ReadRequest{Table: "people", Columns: []string{"name"}, Key: []string{"id"}, After: []any{int64(20000)}, Limit: 10},
			"SELECT `name`, `id` FROM `people` WHERE (`id` > ?) ORDER BY `id` LIMIT 10", "[20000]"},
		{"composite key expanded",
			sluice.ReadRequest{Table: "pairs", Columns: []string{"v"}, Key: []string{"a", "b"}, After: []any{int64(1), "y"}, Limit: 2},
			"SELECT `v`, `a`, `b` FROM `pairs` WHERE (`a` > ? OR (`a` = ? AND `b` > ?)) ORDER BY `a`, `b` LIMIT 2", "[1 1 y]"},
		{"three-column key",
			sluice.ReadRequest{Table: "t", Columns: []string{"v"}, Key: []string{"a", "b", "c"}, After: []any{1, 2, 3}},
			"SELECT `v`, `a`, `b`, `c` FROM `t` WHERE (`a` > ? OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` > ?)) ORDER BY `a`, `b`, `c`", "[1 1 2 1 2 3]"},
		{"where is parenthesised before the bound",
			sluice.ReadRequest{Table: "people", Columns: []string{"id"}, Key: []string{"id"}, After: []any{int64(1)}, Where: "id = 1 OR id = 5"},
			"SELECT `id`, `id` FROM `people` WHERE (id = 1 OR id = 5) AND (`id` > ?) ORDER BY `id`", "[1]"},
		{"reserved words and backticks quoted",
			sluice.ReadRequest{Table: "order", Columns: []string{"group", "we`ird"}, Key: []string{"select"}},
			"SELECT `group`, `we``ird`, `select` FROM `order` ORDER BY `select`", "[]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, args, err := selectSQL(c.req, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if q != c.sql {
				t.Errorf("sql:\n got %s\nwant %s", q, c.sql)
			}
			if got := fmt.Sprint(args); got != c.args {
				t.Errorf("args: got %s, want %s", got, c.args)
			}
		})
	}
}

func TestSelectSQLErrors(t *testing.T) {
	cases := []sluice.ReadRequest{
		{Table: "t"},
		{Table: "t", Columns: []string{"a"}, Key: []string{"a", "b"}, After: []any{1}},
		{Table: "t", Columns: []string{"a"}, Key: []string{"a"}, After: []any{nil}},
	}
	for _, req := range cases {
		if q, _, err := selectSQL(req, nil, nil); err == nil {
			t.Errorf("%+v: got %q, want an error", req, q)
		}
	}
}

func TestCountSQL(t *testing.T) {
	if got, want := countSQL("größe", ""), "SELECT COUNT(*) FROM `größe`"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := countSQL("people", "id > 2 OR id < 0"), "SELECT COUNT(*) FROM `people` WHERE (id > 2 OR id < 0)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSummarySQL(t *testing.T) {
	req := sluice.SummaryRequest{
		ReadRequest: sluice.ReadRequest{Table: "pairs", Columns: []string{"v"}, Key: []string{"a", "b"},
			After: []any{1, "x"}, Limit: 5, Where: "v = 1 OR v = 2"},
		Upto: []any{3, "y"},
	}
	q, args, err := summarySQL(req, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT COUNT(*), COALESCE(BIT_XOR(CAST(CONV(LEFT(m, 16), 16, 10) AS UNSIGNED)), 0), COUNT(*) - COUNT(m) " +
		"FROM (SELECT MD5(CONCAT(QUOTE(`v`), ',', QUOTE(`a`), ',', QUOTE(`b`))) AS m FROM `pairs` " +
		"WHERE (v = 1 OR v = 2) AND (`a` > ? OR (`a` = ? AND `b` > ?)) AND (`a` < ? OR (`a` = ? AND `b` <= ?)) " +
		"ORDER BY `a`, `b` LIMIT 5) s"
	if q != want {
		t.Errorf("sql:\n got %s\nwant %s", q, want)
	}
	// A range bounded by Upto alone is digested in one pass, unordered.
	req.Limit = 0
	row := "CONCAT(QUOTE(`v`), ',', QUOTE(`a`), ',', QUOTE(`b`))"
	want = "SELECT COUNT(*), COALESCE(BIT_XOR(CAST(CONV(LEFT(MD5(" + row + "), 16), 16, 10) AS UNSIGNED)), 0), " +
		"COUNT(*) - COUNT(" + row + ") FROM `pairs` " +
		"WHERE (v = 1 OR v = 2) AND (`a` > ? OR (`a` = ? AND `b` > ?)) AND (`a` < ? OR (`a` = ? AND `b` <= ?))"
	if q, _, _ := summarySQL(req, nil, nil); q != want {
		t.Errorf("sql without a limit:\n got %s\nwant %s", q, want)
	}
	if got := fmt.Sprint(args); got != "[1 1 x 3 3 y]" {
		t.Errorf("args: got %s", got)
	}
	for _, bad := range []sluice.SummaryRequest{
		{ReadRequest: sluice.ReadRequest{Table: "t", Columns: []string{"a"}}},
		{ReadRequest: sluice.ReadRequest{Table: "t", Key: []string{"a"}}, Upto: []any{nil}},
		{ReadRequest: sluice.ReadRequest{Table: "t", Key: []string{"a"}}, Upto: []any{1, 2}},
	} {
		if q, _, err := summarySQL(bad, nil, nil); err == nil {
			t.Errorf("%+v: got %q, want an error", bad, q)
		}
	}
}

// A column in a character set other than UTF-8 is read converted and, when
// the conversion is not exact, as stored; its bounds convert back into its
// set and collation; it is digested as stored.
func TestCharsetSQL(t *testing.T) {
	sets := charsets{"name": {Name: "gbk", Collation: "gbk_bin"}}
	req := sluice.ReadRequest{Table: "t", Columns: []string{"id", "name"}, Key: []string{"name", "id"},
		After: []any{"啊", int64(3)}, Limit: 10}
	q, args, err := selectSQL(req, sets, nil)
	if err != nil {
		t.Fatal(err)
	}
	name := "CONVERT(`name` USING utf8mb4), " +
		"IF(CAST(CONVERT(CONVERT(`name` USING utf8mb4) USING gbk) AS BINARY) = CAST(`name` AS BINARY), NULL, CAST(`name` AS BINARY))"
	bound := "CONVERT(? USING gbk) COLLATE gbk_bin"
	want := "SELECT `id`, " + name + ", " + name + ", `id` FROM `t` " +
		"WHERE (`name` > " + bound + " OR (`name` = " + bound + " AND `id` > ?)) ORDER BY `name`, `id` LIMIT 10"
	if q != want {
		t.Errorf("sql:\n got %s\nwant %s", q, want)
	}
	if got := fmt.Sprint(args); got != "[啊 啊 3]" {
		t.Errorf("args: got %s", got)
	}
	sq, _, err := summarySQL(sluice.SummaryRequest{ReadRequest: req}, sets, nil)
	if err != nil {
		t.Fatal(err)
	}
	if digest := "CONCAT(QUOTE(`id`), ',', QUOTE(CAST(`name` AS BINARY)), ',', QUOTE(CAST(`name` AS BINARY)), ',', QUOTE(`id`))"; !strings.Contains(sq, digest) {
		t.Errorf("summary sql:\n got %s\nwant it to digest %s", sq, digest)
	}
}

// A set the server converts exactly in every value is read once.
func TestExactCharsetReadsOnce(t *testing.T) {
	sets := charsets{"l": {Name: "latin1", Collation: "latin1_swedish_ci", Exact: true}}
	q, _, err := selectSQL(sluice.ReadRequest{Table: "t", Columns: []string{"l"}}, sets, nil)
	if want := "SELECT CONVERT(`l` USING utf8mb4) FROM `t`"; err != nil || q != want {
		t.Errorf("sql %s, %v; want %s", q, err, want)
	}
}

// The server says which sets convert every value exactly: on MariaDB and
// MySQL, latin1 and koi8r do; cp1251 has 0x98, ascii 0x80 and up, and a
// multi-byte set is never checked byte by byte.
func TestExactSet(t *testing.T) {
	s, err := Open(t.Context(), "legacy", sluicetest.NewMySQLDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for cs, want := range map[string]bool{"latin1": true, "koi8r": true, "cp1251": false, "ascii": false, "gbk": false, "ucs2": false} {
		if got, err := s.exactSet(t.Context(), cs); err != nil || got != want {
			t.Errorf("exactSet(%s) = %v, %v; want %v", cs, got, err, want)
		}
	}
}
