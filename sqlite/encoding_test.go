package sqlite

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

// legacyScript is a file whose TEXT values hold Windows-1252 bytes, as a
// legacy application wrote them: é is E9, € is 80; 81 is no character.
const legacyScript = `CREATE TABLE people (code TEXT PRIMARY KEY NOT NULL, name VARCHAR(20), photo BLOB, n INTEGER);
INSERT INTO people VALUES
	(CAST(X'636166E9' AS TEXT), CAST(X'5A6FEB' AS TEXT), X'E9', 1),
	(CAST(X'80' AS TEXT), CAST(X'81' AS TEXT), CAST(X'E9' AS TEXT), CAST(X'E9' AS TEXT)),
	(CAST(X'81' AS TEXT), 'plain', NULL, 3),
	('a', CAST(X'41E9' AS TEXT), X'', NULL),
	('b', NULL, NULL, 5),
	(CAST(X'E9' AS TEXT), '', NULL, 6);`

func openLegacy(t *testing.T, encoding string) *Source {
	t.Helper()
	src := openScript(t, legacyScript)
	t.Cleanup(func() { src.Close() })
	if encoding != "" {
		if err := src.DeclareEncoding(t.Context(), encoding); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func undecodable(enc string, b []byte, reason string) sluice.Undecodable {
	return sluice.Undecodable{Charset: enc, Bytes: b, Reason: reason}
}

// With an encoding declared, every column but the BLOB one has it as its
// Charset; TEXT values convert strictly, wherever they are, and a BLOB
// value stays bytes.
func TestDeclaredEncoding(t *testing.T) {
	src := openLegacy(t, "cp1252")
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	people := schema.Table("people")
	for col, want := range map[string]string{"code": "cp1252", "name": "cp1252", "photo": "", "n": "cp1252"} {
		if got := people.Column(col).Charset; got != want {
			t.Errorf("column %s: Charset %q, want %q", col, got, want)
		}
	}
	rows := readRows(t, src, sluice.ReadRequest{Table: "people", Columns: []string{"name", "photo", "n"}, Key: []string{"rowid"}})
	want := [][]any{
		{"Zoë", []byte{0xe9}, int64(1)},
		{undecodable("cp1252", []byte{0x81}, "not valid cp1252: bytes 81 at byte 0"), "\xe9", "é"},
		{"plain", nil, int64(3)},
		{"Aé", []byte{}, nil},
		{nil, nil, int64(5)},
		{"", nil, int64(6)},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows:\n got %#v\nwant %#v", rows, want)
	}
}

// Without a declaration TEXT values are the stored bytes, as before: the
// cast rejects what is not UTF-8.
func TestUndeclaredEncodingKeepsBytes(t *testing.T) {
	src := openLegacy(t, "")
	rows := readRows(t, src, sluice.ReadRequest{Table: "people", Columns: []string{"name"}, Key: []string{"rowid"}, Limit: 1})
	if want := [][]any{{"Zo\xeb"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows: got %#v, want %#v", rows, want)
	}
}

// A text key in the declared encoding pages one row at a time in the
// file's own order (the stored bytes), the key that does not convert
// included.
func TestDeclaredEncodingKeysPage(t *testing.T) {
	src := openLegacy(t, "cp1252")
	var got []any
	var keys [][]any
	var after []any
	for {
		rows, last := readChunk(t, src, sluice.ReadRequest{Table: "people", Columns: []string{"code"}, Key: []string{"code"}, After: after, Limit: 1})
		if len(rows) == 0 {
			break
		}
		got, after = append(got, rows[0][0]), last
		keys = append(keys, last)
	}
	// BINARY order of the stored bytes: 'a' 'b' 'café'(63...) 80 81 E9.
	want := []any{"a", "b", "café", "€", undecodable("cp1252", []byte{0x81}, "not valid cp1252: bytes 81 at byte 0"), "é"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paged %#v, want %#v", got, want)
	}
	for i, k := range keys {
		if !reflect.DeepEqual(k, []any{want[i]}) {
			t.Errorf("key %d = %#v, want the value %#v", i, k, want[i])
		}
	}
}

func TestDeclareEncodingRefuses(t *testing.T) {
	src := openLegacy(t, "")
	if err := src.DeclareEncoding(t.Context(), "ebcdic"); err == nil {
		t.Error("declared an unknown encoding")
	}
	utf16 := openScript(t, "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t (s TEXT);")
	defer utf16.Close()
	err := utf16.DeclareEncoding(t.Context(), "latin1")
	if err == nil || !strings.Contains(err.Error(), "UTF-16le") {
		t.Errorf("declare latin1 on a UTF-16 file: %v, want an error naming UTF-16le", err)
	}
}

// A file whose text SQLite stores in UTF-16 reads as UTF-8, characters
// outside the Basic Multilingual Plane included, and pages by text keys.
func TestUTF16File(t *testing.T) {
	for _, enc := range []string{"UTF-16le", "UTF-16be"} {
		src := openScript(t, "PRAGMA encoding = '"+enc+"';\n"+
			"CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL, v TEXT);\n"+
			"INSERT INTO t VALUES ('Zoë', 'café 😀'), ('東京', 'Ünïcödé'), ('a', ''), ('𝄞', NULL);")
		var got [][]any
		var after []any
		for {
			rows, last := readChunk(t, src, sluice.ReadRequest{Table: "t", Columns: []string{"k", "v"}, Key: []string{"k"}, After: after, Limit: 1})
			if len(rows) == 0 {
				break
			}
			got, after = append(got, rows[0]), last
		}
		src.Close()
		// SQLite compares the stored UTF-16 bytes: little-endian puts
		// 𝄞 (34 D8 ...) first and 東 (71 67) last, big-endian puts 𝄞
		// (D8 34 ...) last.
		want := [][]any{{"Zoë", "café 😀"}, {"a", ""}, {"東京", "Ünïcödé"}, {"𝄞", nil}}
		if enc == "UTF-16le" {
			want = [][]any{{"𝄞", nil}, {"Zoë", "café 😀"}, {"a", ""}, {"東京", "Ünïcödé"}}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read %q, want %q", enc, got, want)
		}
	}
}

func readRows(t *testing.T, src *Source, req sluice.ReadRequest) [][]any {
	t.Helper()
	rows, _ := readChunk(t, src, req)
	return rows
}

// readChunk reads what req selects and the key of its last row.
func readChunk(t *testing.T, src *Source, req sluice.ReadRequest) ([][]any, []any) {
	t.Helper()
	it, err := src.Read(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var rows [][]any
	var last []any
	for it.Next() {
		rows, last = append(rows, it.Values()), it.Key()
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, last
}

// With an encoding declared, CheckKey names the rows of duplicate keys by
// their page keys as Read yields them (converted), so that the load finds
// them among the rows it reads.
func TestDeclaredEncodingCheckKey(t *testing.T) {
	src := openScript(t, `CREATE TABLE pair (a TEXT, b, PRIMARY KEY (a, b)) WITHOUT ROWID;
		INSERT INTO pair VALUES (CAST(X'E9' AS TEXT), 7), (CAST(X'E9' AS TEXT), '7'), ('k', 8);`)
	defer src.Close()
	if err := src.DeclareEncoding(t.Context(), "latin1"); err != nil {
		t.Fatal(err)
	}
	rep, err := src.CheckKey(t.Context(), sluice.KeyCheck{Table: "pair", Key: []string{"a", "b"}, Page: []string{"a", "b"}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := sluice.KeyReport{Duplicates: 2, DupRows: [][]any{{"é", int64(7)}, {"é", "7"}}, DupKeys: []string{"é|7"}}
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("CheckKey %#v\nwant %#v", rep, want)
	}
	read := map[string]bool{}
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "pair", Key: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	for it.Next() {
		read[sluice.KeyText(it.Key())] = true
	}
	for _, k := range rep.DupRows {
		if !read[sluice.KeyText(k)] {
			t.Errorf("CheckKey names the row %q, which Read does not yield (%v)", sluice.KeyText(k), read)
		}
	}
}
