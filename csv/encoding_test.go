package csvsrc

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
)

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// TestEncodings: each file reads as the same UTF-8 text, whatever its
// encoding, byte order mark and compression.
func TestEncodings(t *testing.T) {
	text := "id,name\n1,\"Zoë, Łukasz\"\n2,東京 😀\n"
	latin := "id,name\n1,\"Zo\xeb, Andr\xe9\"\n2,caf\xe9\n"
	cases := []struct {
		file     string
		data     []byte
		encoding string
		want     []string
	}{
		{"bom8.csv", append([]byte{0xEF, 0xBB, 0xBF}, text...), "", []string{"Zoë, Łukasz", "東京 😀"}},
		{"le.csv", utf16Bytes(text, false, true), "", []string{"Zoë, Łukasz", "東京 😀"}},
		{"be.csv", utf16Bytes(text, true, true), "utf-16", []string{"Zoë, Łukasz", "東京 😀"}},
		{"plainle.csv", utf16Bytes(text, false, false), "utf-16le", []string{"Zoë, Łukasz", "東京 😀"}},
		{"gz16.csv.gz", gzipped(t, utf16Bytes(text, false, true)), "", []string{"Zoë, Łukasz", "東京 😀"}},
		{"latin.csv", []byte(latin), "latin1", []string{"Zoë, André", "café"}},
		{"cp.csv", []byte("id,name\n1,\x80 5\n2,\x93q\x94\n"), "cp1252", []string{"€ 5", "\u201cq\u201d"}},
		{"latingz.csv.gz", gzipped(t, []byte(latin)), "ISO_8859-1", []string{"Zoë, André", "café"}},
	}
	for _, c := range cases {
		dir := writeFiles(t, map[string][]byte{c.file: c.data})
		var f Format
		if c.encoding != "" {
			f.Encoding = &c.encoding
		}
		src := openDir(t, dir, Options{Format: f})
		name, _ := tableName(c.file, false)
		schema, err := src.Introspect(context.Background())
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if cols := schema.Tables[0].Columns; len(cols) != 2 || cols[0].Name != "id" || cols[0].Type.Raw != "bigint" {
			t.Errorf("%s: columns %+v", c.file, cols)
		}
		rows, _ := readAll(t, src, name, "name")
		var got []string
		for _, r := range rows {
			s, _ := r[0].(string)
			got = append(got, s)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: names %q, want %q", c.file, got, c.want)
		}
	}
}

// TestBadEncodingIsInvalid: bytes that are not text in the file's encoding
// make the value Invalid, naming the encoding; they are never replaced.
func TestBadEncodingIsInvalid(t *testing.T) {
	lone := utf16Bytes("id,name\n1,ok\n2,", false, true)
	lone = append(lone, 0x00, 0xD8) // a high surrogate with no low one
	lone = append(lone, utf16Bytes("x\n3,fine\n", false, false)...)
	cases := []struct {
		file, encoding, why string
	}{
		{"cp.csv", "cp1252", "not valid cp1252: bytes 81 at byte 0"},
		{"lone.csv", "", "unpaired UTF-16 surrogate"},
	}
	files := map[string][]byte{"cp.csv": []byte("id,name\n1,ok\n2,\x81x\n3,fine\n"), "lone.csv": lone}
	for _, c := range cases {
		dir := writeFiles(t, map[string][]byte{c.file: files[c.file]})
		f := Format{}
		if c.encoding != "" {
			f.Encoding = &c.encoding
		}
		src := openDir(t, dir, Options{Format: f})
		name, _ := tableName(c.file, false)
		rows, _ := readAll(t, src, name, "id", "name")
		if len(rows) != 3 || rows[0][1] != "ok" || rows[2][1] != "fine" {
			t.Fatalf("%s: rows %#v", c.file, rows)
		}
		inv, ok := rows[1][1].(sluice.Invalid)
		if !ok || !strings.Contains(inv.Reason, c.why) || !strings.Contains(inv.Reason, "line 3, column name") {
			t.Errorf("%s: record 2 name = %#v, want an Invalid saying %q", c.file, rows[1][1], c.why)
		}
	}
}

func TestUTF16WithoutBOMNeedsAnOrder(t *testing.T) {
	dir := writeFiles(t, map[string][]byte{"t.csv": utf16Bytes("a\n1\n", false, false)})
	src := openDir(t, dir, Options{Format: Format{Encoding: sp("utf-16")}})
	if _, err := src.Introspect(context.Background()); err == nil || !strings.Contains(err.Error(), "utf-16le or utf-16be") {
		t.Errorf("introspect: %v, want the byte order asked for", err)
	}
}

// TestLegacySetsKeepASCII: the scanner finds delimiters, quotes and line
// breaks in the stored bytes of every set: a single-byte set reads each
// ASCII byte as itself, and a multi-byte set each byte below 0x40 (what its
// delimiter, quote and escape must be).
func TestLegacySetsKeepASCII(t *testing.T) {
	for _, name := range charset.Names() {
		e, ok := lookupEncoding(name)
		if !ok {
			t.Fatalf("%s does not resolve", name)
		}
		limit := 0x80
		if e.multiByte() {
			limit = 0x40
		}
		for b := range limit {
			if s, why := e.decode([]byte{byte(b)}); why != "" || s != string(rune(b)) {
				t.Errorf("%s reads byte %#x as %q (%s)", name, b, s, why)
			}
		}
	}
	for _, alias := range []string{"UTF8", "utf_16LE", "Latin1", "ISO_8859-1", "windows-1252", "Shift_JIS", "cp932"} {
		if _, ok := lookupEncoding(alias); !ok {
			t.Errorf("%s does not resolve", alias)
		}
	}
}

// TestMultiByteSets: a Shift JIS file whose character ソ ends in the byte of
// a backslash reads whole; a backslash escape with it is refused.
func TestMultiByteSets(t *testing.T) {
	sjis := []byte("id,name\n1,\x83\x5c\n")
	src := openDir(t, writeFiles(t, map[string][]byte{"t.csv": sjis, "g.csv": []byte("id,name\n1,\xb1\xed\n")}),
		Options{Tables: []TableSpec{{Name: "t", Format: Format{Encoding: sp("sjis")}}, {Name: "g", Format: Format{Encoding: sp("gbk")}}}})
	if rows, _ := readAll(t, src, "t", "name"); len(rows) != 1 || rows[0][0] != "ソ" {
		t.Errorf("sjis rows %#v, want ソ", rows)
	}
	if rows, _ := readAll(t, src, "g", "name"); len(rows) != 1 || rows[0][0] != "表" {
		t.Errorf("gbk rows %#v, want 表", rows)
	}
	_, err := Open(context.Background(), "f", "csv://"+writeFiles(t, map[string][]byte{"t.csv": sjis}),
		Options{Format: Format{Encoding: sp("sjis"), Escape: sp(`\`), Delimiter: sp("|")}})
	for _, w := range []string{`escape: '\\' may be the second byte of a sjis character`, `delimiter: '|' may be the second byte`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("sjis with a backslash escape and | delimiter: %v, want %q", err, w)
		}
	}
}
