package csvsrc

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/cast"
	"github.com/sluicedb/sluice/sluicetest"
)

// malformed.csv holds every kind of bad record and value, each on a line
// the test names, with good records between them.
const malformedCSV = "id,name,born\n" + // line 1
	"1,Ada,1815-12-10\n" + // 2: good
	"2,Two fields\n" + // 3: too few fields
	"3,Bob,2000-01-01,extra\n" + // 4: too many
	"4,Bo\"b,2000-01-01\n" + // 5: a quote inside an unquoted field
	"5,\"Eve\"x,2000-01-01\n" + // 6: text after the closing quote
	"x6,Carl,2000-01-01\n" + // 7: not an integer
	"7,Dan,2000-02-30\n" + // 8: no such date
	"8,\xff\xfeinvalid,2000-01-01\n" + // 9: invalid UTF-8
	",Nobody,2000-01-01\n" + // 10: NULL key
	"9,\"Multi\nline\",1999-12-31\n" + // 11-12: good, two lines
	"10,\"Never closed,2000-01-01\n" + // 13: unterminated quote: the rest of the file
	"11,Lost,2000-01-01\n" // 14: inside the unterminated quote

func TestMalformedRecordsAreInvalidWithFileAndLine(t *testing.T) {
	dir := writeFiles(t, map[string][]byte{"people.csv": []byte(malformedCSV)})
	src := openDir(t, dir, Options{Tables: []TableSpec{{Name: "people", PrimaryKey: []string{"id"},
		Types: map[string]string{"id": "integer", "name": "text", "born": "date"}}}})
	if _, err := src.Introspect(context.Background()); err != nil {
		t.Fatal(err)
	}
	n, err := src.Count(context.Background(), "people", "")
	if err != nil || n != 11 {
		t.Fatalf("Count = %d, %v; want 11 records (the unterminated quote holds the rest of the file)", n, err)
	}
	rows, keys := readAll(t, src, "people", "id", "name", "born")
	if len(rows) != 11 || keys[10] != 11 {
		t.Fatalf("read %d rows, keys %v; want 11, numbered 1..11", len(rows), keys)
	}
	want := []struct {
		record int
		column int // -1: the whole record
		reason string
	}{
		{2, -1, "people.csv line 3: 2 fields, where the table has 3 columns"},
		{3, -1, "people.csv line 4: 4 fields, where the table has 3 columns"},
		{4, -1, "people.csv line 5: a quote inside an unquoted field"},
		{5, -1, "people.csv line 6: text after a closing quote"},
		{6, 0, `people.csv line 7, column id: "x6" is not an integer`},
		{7, 2, `people.csv line 8, column born: "2000-02-30" is not a real date`},
		{8, 1, "people.csv line 9, column name: \"\\xff\\xfeinvalid\": invalid UTF-8 at byte 0"},
		{9, 0, "people.csv line 10, column id: NULL in a column declared NOT NULL"},
		{11, -1, "people.csv lines 13-14: a quote opened on line 13 is never closed"},
	}
	bad := map[int]bool{}
	for _, w := range want {
		bad[w.record] = true
		row := rows[w.record-1]
		at := max(w.column, 0)
		inv, ok := row[at].(sluice.Invalid)
		if !ok || !strings.HasPrefix(inv.Reason, w.reason) || inv.Record != (w.column < 0) {
			t.Errorf("record %d: got %#v, want an Invalid (record %v) starting %q", w.record, row[at], w.column < 0, w.reason)
		}
	}
	if inv := rows[10][0].(sluice.Invalid); string(inv.Raw) != "10,\"Never closed,2000-01-01\n11,Lost,2000-01-01\n" {
		t.Errorf("the unterminated record's raw bytes: %q", inv.Raw)
	}
	good := map[int][]any{
		1:  {int64(1), "Ada", time.Date(1815, 12, 10, 0, 0, 0, 0, time.UTC)},
		10: {int64(9), "Multi\nline", time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for rec, w := range good {
		if !reflect.DeepEqual(rows[rec-1], w) {
			t.Errorf("record %d = %#v, want %#v", rec, rows[rec-1], w)
		}
	}
}

// TestTypedValues: each declared type reads its text into the Go value the
// RowIter contract asks for, or an Invalid naming the problem.
func TestTypedValues(t *testing.T) {
	cases := []struct {
		typ, text string
		want      any // a string starting with "!" is a part of the Invalid's reason
	}{
		{"smallint", "-32768", int64(-32768)}, {"smallint", "32768", "!out of range"},
		{"integer", "007", int64(7)}, {"bigint", "9223372036854775807", int64(9223372036854775807)},
		{"integer", "1.0", "!not an integer"}, {"integer", " 1", "!not an integer"},
		{"numeric(5,2)", "123.45", "123.45"}, {"numeric(5,2)", "1.234", "!decimal place"}, {"numeric", "-0.000", "-0.000"},
		{"numeric(4,0)", "12345", "!integer digit"},
		{"double precision", "1.5e3", 1500.0}, {"double", "0x1p3", "!not a number"}, {"real", "0.1", 0.1},
		{"boolean", "Yes", true}, {"boolean", "0", false}, {"bool", "maybe", "!not a boolean"},
		{"date", "2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)}, {"date", "2023-02-29", "!not a real date"},
		{"date", "2024-1-5", "!YYYY-MM-DD"},
		{"timestamp", "2024-03-01 12:30:05.25", time.Date(2024, 3, 1, 12, 30, 5, 250000000, time.UTC)},
		{"timestamp", "2024-03-01T12:30", time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)},
		{"timestamp", "2024-03-01 12:30:00+02:00", "!declare the column timestamptz"},
		{"timestamp(3)", "2024-03-01 12:30:00.1234", "!more than 3 fractional digits"},
		{"timestamptz", "2024-03-01 12:30:00+02:00", time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)},
		{"timestamptz", "2024-03-01T12:30:00Z", time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)},
		{"timestamptz", "2024-03-01 12:30:00", "!no time zone offset"},
		{"time", "07:05", "07:05:00"}, {"time", "23:59:59.5", "23:59:59.5"}, {"time", "24:00:00", "!out of range"},
		{"varchar(3)", "abc", "abc"}, {"varchar(3)", "abcd", "!"}, {"text", "a\x00b", "!NUL"},
		{"bytea", `\xDEADbeef`, []byte{0xde, 0xad, 0xbe, 0xef}}, {"bytea", "0x00", []byte{0}}, {"bytea", "xyz", "!hexadecimal"},
		{"uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}},
		{"json", `{"a": [1, 2]}`, `{"a": [1, 2]}`}, {"jsonb", `{"a":`, "!not JSON"},
	}
	for _, c := range cases {
		got := readOne(t, c.typ, c.text, Format{})
		w, reason := c.want.(string)
		if reason && strings.HasPrefix(w, "!") {
			inv, ok := got.(sluice.Invalid)
			if !ok || !strings.Contains(inv.Reason, w[1:]) || !strings.Contains(inv.Reason, "t.csv line 2, column v: ") {
				t.Errorf("%s %q = %#v, want an Invalid about %q", c.typ, c.text, got, w[1:])
			}
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %q = %#v (%T), want %#v", c.typ, c.text, got, got, c.want)
		}
	}
}

// readOne reads one field of a declared type from a one-record file.
func readOne(t *testing.T, typ, text string, f Format) any {
	t.Helper()
	dir := writeFiles(t, map[string][]byte{"t.csv": []byte("v\n" + sluicetest.CSVQuote(text) + "\n")})
	src := openDir(t, dir, Options{Format: f, Tables: []TableSpec{{Name: "t", Types: map[string]string{"v": typ}}}})
	rows, _ := readAll(t, src, "t", "v")
	if len(rows) != 1 {
		t.Fatalf("%s %q: %d rows", typ, text, len(rows))
	}
	return rows[0][0]
}

func TestFormatsAndNulls(t *testing.T) {
	f := Format{DateFormat: sp("%d/%m/%Y"), TimestampFormat: sp("%m/%d/%Y %I:%M %p"), Null: []string{"", `\N`, "NULL"}}
	cases := []struct {
		typ, line string
		want      any
	}{
		{"date", "5/1/2024", time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)},
		{"timestamp", "1/5/2024 12:05 AM", time.Date(2024, 1, 5, 0, 5, 0, 0, time.UTC)},
		{"timestamp", "1/5/2024 1:05 pm", time.Date(2024, 1, 5, 13, 5, 0, 0, time.UTC)},
		{"text", `\N`, nil}, {"text", "NULL", nil}, {"text", `"NULL"`, "NULL"}, {"text", "", nil}, {"text", `""`, ""},
	}
	for _, c := range cases {
		dir := writeFiles(t, map[string][]byte{"t.csv": []byte("v\n" + c.line + "\n")})
		src := openDir(t, dir, Options{Format: f, Tables: []TableSpec{{Name: "t", Types: map[string]string{"v": c.typ}}}})
		rows, _ := readAll(t, src, "t", "v")
		if len(rows) != 1 || !reflect.DeepEqual(rows[0][0], c.want) {
			t.Errorf("%s %q: got %#v, want %#v", c.typ, c.line, rows, c.want)
		}
	}
}

// TestPagingIsLinear: reading a file chunk after chunk parses each record
// once, and a read in the middle of a plain file starts at a boundary seen
// before it instead of the file's start.
func TestPagingIsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,v\n")
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&b, "%d,\"value\n%d\"\n", i, i)
	}
	for _, compressed := range []bool{false, true} {
		data := []byte(b.String())
		name := "big.csv"
		if compressed {
			data, name = gzipped(t, data), "big.csv.gz"
		}
		src := openDir(t, writeFiles(t, map[string][]byte{name: data}), Options{})
		tb := src.byName["big"]
		after := int64(0)
		var ids []any
		for {
			rows, keys := readAfter(t, src, "big", after, 64, "id")
			for _, r := range rows {
				ids = append(ids, r[0])
			}
			if len(rows) < 64 {
				break
			}
			after = keys[len(keys)-1]
		}
		if len(ids) != 1000 || ids[0] != int64(1) || ids[999] != int64(1000) {
			t.Fatalf("gzip %v: read %d ids, first %v last %v", compressed, len(ids), ids[0], ids[len(ids)-1])
		}
		if n := tb.parsed.Load(); n > 1000+int64(tb.d.sample)+16 {
			t.Errorf("gzip %v: paging 1000 records parsed %d (a chunk re-read the file)", compressed, n)
		}
		before := tb.parsed.Load()
		rows, keys := readAfter(t, src, "big", 700, 5, "id")
		if len(rows) != 5 || keys[0] != 701 || rows[0][0] != int64(701) {
			t.Errorf("gzip %v: read after 700: %v %v", compressed, keys, rows)
		}
		if !compressed && tb.parsed.Load()-before > 64+5 {
			t.Errorf("a read after record 700 parsed %d records; a boundary seen before it was not used", tb.parsed.Load()-before)
		}
		if n, err := src.Count(context.Background(), "big", ""); err != nil || n != 1000 {
			t.Errorf("Count = %d, %v", n, err)
		}
	}
}

func TestCountAndReadRefuseFilters(t *testing.T) {
	src := openDir(t, writeFiles(t, map[string][]byte{"t.csv": []byte("a\n1\n")}), Options{})
	if _, err := src.Count(context.Background(), "t", "a > 1"); !errors.Is(err, ErrFilter) {
		t.Errorf("Count with a where: %v, want ErrFilter", err)
	}
	_, err := src.Read(context.Background(), sluice.ReadRequest{Table: "t", Columns: []string{"a"}, Where: "a > 1"})
	if !errors.Is(err, ErrFilter) {
		t.Errorf("Read with a where: %v, want ErrFilter", err)
	}
	_, err = src.Read(context.Background(), sluice.ReadRequest{Table: "t", Columns: []string{"a"}, Key: []string{"a"}})
	if err == nil || !strings.Contains(err.Error(), "record number") {
		t.Errorf("Read by a column: %v, want an error about the record number", err)
	}
}

// TestFastChecksAgreeWithTheCast: what the fast path accepts, the cast the
// load applies accepts too.
func TestFastChecksAgreeWithTheCast(t *testing.T) {
	inputs := []string{"0", "-0", "00012.50", "123.45", "1234.5", "12345", "1.", ".5", "-", "", "1e3", "9.999", "abc", "a\x00b", "\xff", "Zoë", "日本語x"}
	for _, decl := range []string{"numeric(5,2)", "numeric(4,0)", "numeric", "text", "varchar(3)"} {
		typ, _, err := ParseType(decl)
		if err != nil {
			t.Fatal(err)
		}
		fast, slow := fastCheck(typ), castOnly(t, typ)
		for _, in := range inputs {
			if fast(in) && !slow(in) {
				t.Errorf("%s %q: the fast check accepts what the cast refuses", decl, in)
			}
		}
	}
}

func castOnly(t *testing.T, typ sluice.Type) func(string) bool {
	check, err := cast.For(sluice.Type{Kind: sluice.KindText}, pgName(typ), cast.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return func(s string) bool { _, err := check(s); return err == nil }
}

// TestConcurrentReadersOfOneFile: two readers page through one file at once
// (a table and its expansion do), each getting every record once.
func TestConcurrentReadersOfOneFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("id\n")
	for i := 1; i <= 3000; i++ {
		fmt.Fprintf(&b, "%d\n", i)
	}
	src := openDir(t, writeFiles(t, map[string][]byte{"t.csv": []byte(b.String())}), Options{})
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			sum, after := int64(0), int64(0)
			for {
				it, err := src.Read(context.Background(), sluice.ReadRequest{Table: "t", Columns: []string{"id"}, Key: []string{"_record"}, After: []any{after}, Limit: 100})
				if err != nil {
					errs <- err
					return
				}
				n := 0
				for it.Next() {
					sum += it.Values()[0].(int64)
					after = it.Key()[0].(int64)
					n++
				}
				it.Close()
				if n < 100 {
					break
				}
			}
			if sum != 3000*3001/2 {
				errs <- fmt.Errorf("sum of ids %d, want %d", sum, 3000*3001/2)
				return
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
