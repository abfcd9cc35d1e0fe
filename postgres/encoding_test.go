package postgres

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// readAll reads what req selects, and the key of each row.
func readAll(t *testing.T, src *Source, req sluice.ReadRequest) (rows, keys [][]any) {
	t.Helper()
	it, err := src.Read(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	for it.Next() {
		rows, keys = append(rows, it.Values()), append(keys, it.Key())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, keys
}

// pageAll pages table by key one row at a time, as migrate does with
// each chunk's last key, and returns the values read.
func pageAll(t *testing.T, src *Source, table string, cols, key []string) [][]any {
	t.Helper()
	var all [][]any
	var after []any
	for {
		rows, keys := readAll(t, src, sluice.ReadRequest{Table: table, Columns: cols, Key: key, After: after, Limit: 1})
		if len(rows) == 0 {
			return all
		}
		all, after = append(all, rows[0]), keys[0]
	}
}

// A LATIN1 database's text is converted by the server: é arrives as é,
// not as the byte E9, and text keys page by it.
func TestLatin1Database(t *testing.T) {
	url := sluicetest.NewPostgresDBEncoded(t, "LATIN1")
	sluicetest.ExecPostgres(t, url, `CREATE TABLE t (k text PRIMARY KEY, v varchar(10));
		INSERT INTO t VALUES (E'caf\xe9', E'\xe9t\xe9'), (E'\xc9', E'\x80'), ('a', NULL), (E'z\xff', '');`)
	src := openURL(t, url)
	defer src.Close()
	got := pageAll(t, src, "t", []string{"k", "v"}, []string{"k"})
	want := [][]any{{"a", nil}, {"café", "été"}, {"z\u00ff", ""}, {"É", "\u0080"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
}

// A WIN1252 byte that has no character (81) is not read as something
// else: the read fails with the server's error, which names the bytes.
func TestWin1252ByteWithoutCharacter(t *testing.T) {
	url := sluicetest.NewPostgresDBEncoded(t, "WIN1252")
	sluicetest.ExecPostgres(t, url, `CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, E'\x80'), (2, E'a\x81');`)
	src := openURL(t, url)
	defer src.Close()
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "t", Columns: []string{"v"}, Key: []string{"id"}})
	if err == nil {
		for it.Next() {
			if v := it.Values()[0]; v != "€" {
				t.Errorf("read %q", v)
			}
		}
		err = it.Err()
		it.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "0x81") {
		t.Errorf("read: %v, want the server's error naming 0x81", err)
	}
}

const sqlASCIIScript = `CREATE TYPE mood AS ENUM (E'\xe9t\xe9', 'ok');
CREATE TABLE t (k varchar(10) PRIMARY KEY, v text, m mood, b bytea, n int);
INSERT INTO t VALUES (E'caf\xe9', E'\x80', E'\xe9t\xe9', '\xe9', 1), (E'\x81', E'\x81x', 'ok', NULL, 2),
	('a', 'plain', NULL, '\x', 3), (E'\xe9', E'\xc3\xa9', 'ok', NULL, 4), ('b', NULL, NULL, NULL, 5);`

// A SQL_ASCII database stores bytes as they come. Declared in cp1252, its
// text columns (and enum labels) convert strictly, a byte without a
// character (81) is an Undecodable in values and keys alike, bytea stays
// bytes, and text keys page over the stored bytes, that one included.
func TestSQLASCIIDeclared(t *testing.T) {
	url := sluicetest.NewPostgresDBEncoded(t, "SQL_ASCII")
	sluicetest.ExecPostgres(t, url, sqlASCIIScript)
	src := openURL(t, url)
	defer src.Close()
	if err := src.DeclareEncoding(t.Context(), "cp1252"); err != nil {
		t.Fatal(err)
	}
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tb := schema.Table("t")
	for col, want := range map[string]string{"k": "cp1252", "v": "cp1252", "m": "cp1252", "b": "", "n": ""} {
		if got := tb.Column(col).Charset; got != want {
			t.Errorf("column %s: Charset %q, want %q", col, got, want)
		}
	}
	if got := tb.Column("m").Type.Values; !reflect.DeepEqual(got, []string{"été", "ok"}) {
		t.Errorf("enum labels %q, want été, ok", got)
	}
	bad := func(b ...byte) sluice.Undecodable {
		return sluice.Undecodable{Charset: "cp1252", Bytes: b, Reason: "not valid cp1252: bytes 81 at byte 0"}
	}
	got := pageAll(t, src, "t", []string{"k", "v", "m", "b"}, []string{"k"})
	want := [][]any{
		{"a", "plain", nil, []byte{}}, {"b", nil, nil, nil}, {"café", "€", "été", []byte{0xe9}},
		{bad(0x81), bad(0x81, 'x'), "ok", nil}, {"é", "Ã©", "ok", nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read\n %#v\nwant\n %#v", got, want)
	}
	// A summary's bounds convert back like a read's.
	sum, err := src.Summarize(t.Context(), sluice.SummaryRequest{
		ReadRequest: sluice.ReadRequest{Table: "t", Columns: []string{"v"}, Key: []string{"k"}, After: []any{"café"}},
		Upto:        []any{bad(0x81)},
	})
	if err != nil || sum.Rows != 1 {
		t.Errorf("summary of the rows after café up to 81: %+v, %v; want 1 row", sum, err)
	}
}

// Undeclared, a SQL_ASCII database's text arrives as stored (the cast
// rejects what is not UTF-8, as before), and keys that are not UTF-8 page.
func TestSQLASCIIUndeclared(t *testing.T) {
	url := sluicetest.NewPostgresDBEncoded(t, "SQL_ASCII")
	sluicetest.ExecPostgres(t, url, sqlASCIIScript)
	src := openURL(t, url)
	defer src.Close()
	got := pageAll(t, src, "t", []string{"k"}, []string{"k"})
	want := [][]any{{"a"}, {"b"}, {"caf\xe9"}, {"\x81"}, {"\xe9"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
}

func TestDeclareEncodingOnlyForSQLASCII(t *testing.T) {
	src := openURL(t, sluicetest.NewPostgresDBEncoded(t, "LATIN1"))
	defer src.Close()
	err := src.DeclareEncoding(t.Context(), "latin1")
	if err == nil || !strings.Contains(err.Error(), "LATIN1") {
		t.Errorf("declare an encoding on a LATIN1 database: %v, want an error naming LATIN1", err)
	}
	if err := src.DeclareEncoding(t.Context(), "nope"); err == nil {
		t.Error("declared an unknown encoding")
	}
}
