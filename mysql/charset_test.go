package mysql_test

import (
	"bytes"
	"database/sql"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/sluicetest"
)

// charsetCase is one column in a character set other than UTF-8 and the
// stored bytes of its rows, each with what Read must yield: the character
// the server shows for it, or (want "") an Undecodable.
type charsetCase struct {
	col, decl, charset string
	stored             []string // hex
	want               []string
}

var charsetCases = []charsetCase{
	// The reproduction: A380 and FE50 are both "?" through a utf8mb4
	// connection, two values that became one.
	{"g", "varchar(10) character set gbk", "gbk", []string{"B0A1", "A380", "FE50", "41B0A142"}, []string{"啊", "", "", "A啊B"}},
	// MySQL's latin1 is Windows-1252 with the five bytes it leaves undefined
	// read as C1 controls: every byte is a character.
	{"l", "varchar(10) character set latin1", "latin1", []string{"E9", "80", "81", "636166E9"}, []string{"é", "€", "\u0081", "café"}},
	{"c", "varchar(10) character set cp1251", "cp1251", []string{"C0", "98", "C0E1E2", "FF"}, []string{"А", "", "Абв", "я"}},
	// Where MariaDB's table differs from Unicode's KOI8-U (0xAE is U+045E
	// there), the server's character is the one that comes across.
	{"k", "varchar(10) character set koi8u", "koi8u", []string{"AE", "C1", "95", "41"}, []string{"╝", "а", "•", "A"}},
	{"a", "varchar(10) character set ascii", "ascii", []string{"41", "80", "7E", "E9"}, []string{"A", "", "~", ""}},
	{"u", "varchar(10) character set ucs2", "ucs2", []string{"00E9", "554A", "0041", "0000"}, []string{"é", "啊", "A", "\x00"}},
	// MariaDB's sjis shows both 5C and 815F as a backslash, and converts a
	// backslash back to 815F: 5C would become indistinguishable from 815F.
	{"s", "varchar(10) character set sjis", "sjis", []string{"82A0", "815F", "5C", "A1"}, []string{"あ", "\\", "", "｡"}},
	{"e", "enum('啊','b') character set gbk", "gbk", []string{"B0A1", "62", "", "B0A1"}, []string{"啊", "b", "", "啊"}},
	{"f", "char(4) character set latin1", "latin1", []string{"E92020", "41", "20E9", "E9"}, []string{"é", "A", " é", "é"}},
}

func charsetScript() string {
	var cols, rows []string
	for _, c := range charsetCases {
		cols = append(cols, fmt.Sprintf("`%s` %s", c.col, c.decl))
	}
	for r := range 4 {
		vals := []string{fmt.Sprint(r + 1)}
		for _, c := range charsetCases {
			vals = append(vals, "X'"+c.stored[r]+"'")
		}
		rows = append(rows, "("+strings.Join(vals, ", ")+")")
	}
	return "SET SESSION sql_mode = '';\nCREATE TABLE cs (id int PRIMARY KEY, " + strings.Join(cols, ", ") + ") CHARACTER SET utf8mb4;\n" +
		"INSERT INTO cs VALUES " + strings.Join(rows, ", ") + ";\nINSERT INTO cs (id) VALUES (5);\n"
}

func TestCharsetColumns(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, charsetScript())
	src := openSource(t, url)
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	table := schema.Table("cs")
	var cols []string
	for _, c := range charsetCases {
		cols = append(cols, c.col)
		if got := table.Column(c.col).Charset; got != c.charset {
			t.Errorf("column %s: Charset %q, want %q", c.col, got, c.charset)
		}
	}
	if got := table.Column("id").Charset; got != "" {
		t.Errorf("column id: Charset %q, want none", got)
	}
	rows := readAllRows(t, src, sluice.ReadRequest{Table: "cs", Columns: cols, Key: []string{"id"}})
	if len(rows) != 5 {
		t.Fatalf("read %d rows, want 5", len(rows))
	}
	for r, row := range rows[:4] {
		for j, c := range charsetCases {
			if want := charsetWant(c, r); !reflect.DeepEqual(row[j], want) {
				t.Errorf("row %d column %s (%s, stored %s): got %#v, want %#v", r+1, c.col, c.decl, c.stored[r], row[j], want)
			}
		}
	}
	for j, v := range rows[4] {
		if v != nil {
			t.Errorf("row 5 column %s: got %#v, want NULL", cols[j], v)
		}
	}
}

func charsetWant(c charsetCase, r int) any {
	if c.want[r] != "" || c.stored[r] == "" {
		return c.want[r]
	}
	raw, _ := hex.DecodeString(c.stored[r])
	return sluice.Undecodable{Charset: c.charset, Bytes: raw, Reason: "not valid " + c.charset + ": bytes " + strings.ToLower(c.stored[r])}
}

func readAllRows(t *testing.T, src sluice.Source, req sluice.ReadRequest) [][]any {
	t.Helper()
	it, err := src.Read(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var rows [][]any
	for it.Next() {
		rows = append(rows, it.Values())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCharsetsAgreeWithTheServer reads every byte of every single-byte
// character set the server has, and every well-formed two-byte GBK and
// Big5 sequence. A value must come across as the text the server's own
// conversion gives, unless that conversion is lossy (the server writes ?
// where it has no character), in which case it must be an Undecodable with
// the stored bytes; and no two stored values may read as one text.
func TestCharsetsAgreeWithTheServer(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	db := openDB(t, url)
	sets := singleByteSets(t, db)
	script := "SET SESSION sql_mode = '';\nCREATE TABLE bytes256 (n int PRIMARY KEY);\n" +
		"INSERT INTO bytes256 WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 255) SELECT n FROM s;\n"
	for _, cs := range sets {
		script += fmt.Sprintf("CREATE TABLE `%s` (id int PRIMARY KEY, v varchar(2) CHARACTER SET %s);\n", cs, cs)
		script += fmt.Sprintf("INSERT INTO `%s` SELECT n, UNHEX(LPAD(HEX(n), 2, '0')) FROM bytes256;\n", cs)
	}
	// Lead bytes 0x81..0xFE, trail bytes 0x40..0xFE but 0x7F: every
	// sequence either set calls well-formed.
	for _, cs := range []string{"gbk", "big5"} {
		script += fmt.Sprintf("CREATE TABLE `%s` (id int PRIMARY KEY, v varchar(2) CHARACTER SET %s);\n", cs, cs)
		script += fmt.Sprintf("INSERT IGNORE INTO `%s` SELECT l.n * 256 + t.n, UNHEX(LPAD(HEX(l.n * 256 + t.n), 4, '0')) FROM bytes256 l, bytes256 t"+
			" WHERE l.n BETWEEN 129 AND 254 AND t.n BETWEEN 64 AND 254 AND t.n <> 127;\n", cs)
		// What the set does not call well-formed was stored otherwise: drop it.
		script += fmt.Sprintf("DELETE FROM `%s` WHERE HEX(v) <> LPAD(HEX(id), 4, '0');\n", cs)
		sets = append(sets, cs)
	}
	sluicetest.ExecMySQL(t, url, script)
	src := openSource(t, url)
	defer src.Close()
	for _, cs := range sets {
		checkAgainstServer(t, db, src, cs)
	}
}

func openDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", sluicetest.MySQLDSN(t, url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// singleByteSets lists the server's single-byte character sets but binary.
func singleByteSets(t *testing.T, db *sql.DB) []string {
	rows, err := db.Query("SELECT CHARACTER_SET_NAME FROM information_schema.CHARACTER_SETS WHERE MAXLEN = 1 AND CHARACTER_SET_NAME <> 'binary' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sets []string
	for rows.Next() {
		var cs string
		if err := rows.Scan(&cs); err != nil {
			t.Fatal(err)
		}
		sets = append(sets, cs)
	}
	return sets
}

// serverView is what the server says of each stored value: its bytes and
// its conversion to utf8mb4, both in hex so that no driver converts them.
func serverView(t *testing.T, db *sql.DB, table string) map[int64][2][]byte {
	rows, err := db.Query(fmt.Sprintf("SELECT id, HEX(v), HEX(CONVERT(v USING utf8mb4)) FROM `%s`", table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	view := map[int64][2][]byte{}
	for rows.Next() {
		var id int64
		var stored, text string
		if err := rows.Scan(&id, &stored, &text); err != nil {
			t.Fatal(err)
		}
		s, _ := hex.DecodeString(stored)
		x, _ := hex.DecodeString(text)
		view[id] = [2][]byte{s, x}
	}
	return view
}

func checkAgainstServer(t *testing.T, db *sql.DB, src *mysql.Source, cs string) {
	view := serverView(t, db, cs)
	seen := map[string]int64{}
	var decoded, rejected int
	after := []any(nil)
	for {
		it, err := src.Read(t.Context(), sluice.ReadRequest{Table: cs, Columns: []string{"id", "v"}, Key: []string{"id"}, After: after, Limit: 5000})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for ; it.Next(); n++ {
			id, v := it.Values()[0].(int64), it.Values()[1]
			stored, text := view[id][0], view[id][1]
			lossy := bytes.Count(text, []byte("?")) != bytes.Count(stored, []byte("?"))
			switch x := v.(type) {
			case string:
				decoded++
				if lossy || x != string(text) {
					t.Errorf("%s %x: read %q, the server shows %q", cs, stored, x, text)
				}
				if prev, dup := seen[x]; dup {
					t.Errorf("%s: %x and %x both read as %q", cs, view[prev][0], stored, x)
				}
				seen[x] = id
			case sluice.Undecodable:
				rejected++
				if !bytes.Equal(x.Bytes, stored) || x.Charset != cs {
					t.Errorf("%s %x: undecodable %+v", cs, stored, x)
				}
				// Without a ?, the server shows a character that does not
				// convert back to these bytes: two values would be one.
				if !lossy && sameAfterRoundTrip(t, db, cs, stored) {
					t.Errorf("%s %x: rejected, yet the server shows %q and converts it back", cs, stored, text)
				}
			default:
				t.Errorf("%s %x: read %T %#v", cs, stored, v, v)
			}
			after = it.Key()
		}
		if err := it.Err(); err != nil {
			t.Fatal(err)
		}
		it.Close()
		if n < 5000 {
			break
		}
	}
	if decoded+rejected != len(view) {
		t.Errorf("%s: read %d values, the table holds %d", cs, decoded+rejected, len(view))
	}
	t.Logf("%s: %d values read as text, %d undecodable", cs, decoded, rejected)
}

// sameAfterRoundTrip reports whether the server converts the stored bytes
// to utf8mb4 and back to themselves.
func sameAfterRoundTrip(t *testing.T, db *sql.DB, cs string, stored []byte) bool {
	var same bool
	q := fmt.Sprintf("SELECT CAST(CONVERT(CONVERT(_%s X'%x' USING utf8mb4) USING %s) AS BINARY) = X'%x'", cs, stored, cs, stored)
	if err := db.QueryRow(q).Scan(&same); err != nil {
		t.Fatal(err)
	}
	return same
}

// keyedCharsetScript: text primary keys in GBK and in latin1 with a
// case-insensitive collation, including keys the server has no character
// for, which must page like any other.
const keyedCharsetScript = `SET SESSION sql_mode = '';
CREATE TABLE gk (k varchar(10) CHARACTER SET gbk NOT NULL PRIMARY KEY, n int);
INSERT INTO gk VALUES (X'B0A1', 1), (X'A380', 2), (X'FE50', 3), (X'41', 4), (X'62', 5), (X'B0A2', 6), (X'D6D0', 7),
	(X'CEC4', 8), (X'41A380', 9), (X'7A', 10), (X'B0A141', 11), (X'FE51', 12);
CREATE TABLE lk (k varchar(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL, n int NOT NULL, v varchar(5) CHARACTER SET cp1251, PRIMARY KEY (k, n));
INSERT INTO lk VALUES (X'E9', 1, X'C0'), (X'45', 2, X'98'), (X'65', 3, NULL), (X'C4', 4, X'41'), (X'41', 5, X'42'), (X'80', 6, X'43'),
	(X'81', 7, X'44'), (X'7A', 8, X'45'), (X'5A', 9, X'46'), (X'F6', 10, X'47'), (X'4F', 11, X'48'), (X'E9', 12, X'98');
`

// TestCharsetKeysPage pages text keys in GBK and latin1 one row at a time,
// each chunk after the last key of the one before, as migrate does: every
// row must come exactly once, in the server's own order of the column's
// collation, whether its key converts or not.
func TestCharsetKeysPage(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, keyedCharsetScript)
	db := openDB(t, url)
	src := openSource(t, url)
	defer src.Close()
	for _, tc := range []struct {
		table string
		key   []string
	}{{"gk", []string{"k"}}, {"lk", []string{"k", "n"}}} {
		want := serverOrder(t, db, tc.table, tc.key)
		var got []int64
		var after []any
		for chunk := 0; ; chunk++ {
			it, err := src.Read(t.Context(), sluice.ReadRequest{Table: tc.table, Columns: []string{"n"}, Key: tc.key, After: after, Limit: 1})
			if err != nil {
				t.Fatalf("%s chunk %d: %v", tc.table, chunk, err)
			}
			n := 0
			for ; it.Next(); n++ {
				got = append(got, it.Values()[0].(int64))
				after = it.Key()
			}
			if err := it.Err(); err != nil {
				t.Fatal(err)
			}
			it.Close()
			if n < 1 {
				break
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: paged %v, the server orders %v", tc.table, got, want)
		}
	}
}

// serverOrder is column n of the table in the order of its key.
func serverOrder(t *testing.T, db *sql.DB, table string, key []string) []int64 {
	rows, err := db.Query(fmt.Sprintf("SELECT n FROM `%s` ORDER BY %s", table, strings.Join(key, ", ")))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var order []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		order = append(order, n)
	}
	return order
}

// The key of an Undecodable row is the same Undecodable as its value, what
// the ledger records and the next chunk starts after.
func TestCharsetUndecodableKey(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, keyedCharsetScript)
	src := openSource(t, url)
	defer src.Close()
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "gk", Columns: []string{"k"}, Key: []string{"k"}, Where: "n IN (1, 2)"})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	got := map[string][]any{}
	for it.Next() {
		got[fmt.Sprintf("%T", it.Values()[0])] = it.Key()
	}
	want := map[string][]any{"string": {"啊"}, "sluice.Undecodable": {
		sluice.Undecodable{Charset: "gbk", Bytes: []byte{0xa3, 0x80}, Reason: "not valid gbk: bytes a380"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keys by value type: got %#v, want %#v", got, want)
	}
}

// The digest of a chunk sees the stored bytes: A380 and FE50, which a
// utf8mb4 connection shows as the same ?, digest differently; columns of
// two different character sets digest together.
func TestCharsetSummary(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, keyedCharsetScript+
		"CREATE TABLE mix (id int PRIMARY KEY, g varchar(5) CHARACTER SET gbk, l varchar(5) CHARACTER SET latin1);\n"+
		"INSERT INTO mix VALUES (1, X'A380', X'E9'), (2, X'B0A1', X'80');\n")
	src := openSource(t, url)
	defer src.Close()
	req := sluice.SummaryRequest{ReadRequest: sluice.ReadRequest{Table: "mix", Columns: []string{"g", "l"}, Key: []string{"id"}}}
	before := summarize(t, src, req)
	sluicetest.ExecMySQL(t, url, "UPDATE mix SET g = X'FE50' WHERE id = 1")
	after := summarize(t, src, req)
	if before.Rows != 2 || after.Rows != 2 || before.Hash == after.Hash {
		t.Errorf("digest before %+v, after A380 became FE50 %+v: want 2 rows each and another hash", before, after)
	}
	// Bounds in GBK: the digest of the rows after 啊 counts them.
	gk := sluice.SummaryRequest{ReadRequest: sluice.ReadRequest{Table: "gk", Columns: []string{"n"}, Key: []string{"k"}, After: []any{"啊"}}}
	if sum := summarize(t, src, gk); sum.Rows != countAfter(t, url, "gk", "X'B0A1'") {
		t.Errorf("rows after 啊: digest counts %d", sum.Rows)
	}
}

func countAfter(t *testing.T, url, table, bound string) int64 {
	var n int64
	q := fmt.Sprintf("SELECT COUNT(*) FROM `%s` WHERE k > CONVERT(%s USING gbk)", table, bound)
	if err := openDB(t, url).QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
