package csvsrc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
)

func TestInferTypes(t *testing.T) {
	data := "int,mrn,dec,flag,bit,day,stamp,zoned,mixed,empty\n" +
		"1,00123,1.50,true,1,2024-01-01,2024-01-01 10:00:00,2024-01-01T10:00:00Z,1,\n" +
		"-20,00124,3,False,0,2024-02-29,2024-01-02,2024-01-01 10:00:00+02:00,x,\n" +
		",,,,,,,,,\n"
	src := openDir(t, writeFiles(t, map[string][]byte{"t.csv": []byte(data)}), Options{})
	schema, err := src.Introspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tb := schema.Tables[0]
	want := []string{"bigint", "text", "numeric", "boolean", "bigint", "date", "timestamp", "timestamptz", "text", "text"}
	for i, c := range tb.Columns {
		if c.Type.Raw != want[i] || !c.Nullable {
			t.Errorf("column %s: %q nullable %v, want %q nullable", c.Name, c.Type.Raw, c.Nullable, want[i])
		}
	}
	if tb.Rows != 3 || !tb.RowIDOnly || tb.RowID != "_record" || len(tb.KeyColumns()) != 1 || tb.KeyColumns()[0] != "_record" {
		t.Errorf("table: rows %d, row id %q only %v, key %v", tb.Rows, tb.RowID, tb.RowIDOnly, tb.KeyColumns())
	}
}

// TestInferenceUsesTheFormats: dates in the configured format are dates.
func TestInferenceUsesTheFormats(t *testing.T) {
	data := "d,s\n31/12/2023,31/12/2023 23:59\n1/2/2024,1/2/2024 0:00\n"
	src := openDir(t, writeFiles(t, map[string][]byte{"t.csv": []byte(data)}),
		Options{Format: Format{DateFormat: sp("%d/%m/%Y"), TimestampFormat: sp("%d/%m/%Y %H:%M")}})
	schema, err := src.Introspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{schema.Tables[0].Columns[0].Type.Raw, schema.Tables[0].Columns[1].Type.Raw}; !slices.Equal(got, []string{"date", "timestamp"}) {
		t.Errorf("types %q, want date and timestamp", got)
	}
}

// TestDeclaredSchema: declared types, key, names of a headerless file, and
// a file under another name; the key's columns are NOT NULL; the dialect
// describes how the file is read.
func TestDeclaredSchema(t *testing.T) {
	dir := writeFiles(t, map[string][]byte{
		"export-2019.txt": []byte("7;Ann;12.5\n8;Bo;3\n"),
		"plain.tsv":       []byte("a\tb\n1\t2\n"),
		"noheader.csv":    []byte("1,2,3\n"),
		"README.md":       []byte("not a table\n"),
	})
	src := openDir(t, dir, Options{Tables: []TableSpec{{
		Name: "people", File: "export-2019.txt", Columns: []string{"id", "name", "score"}, PrimaryKey: []string{"id"},
		Format: Format{Header: bp(false), Delimiter: sp(";")}, Types: map[string]string{"score": "numeric(4,1)", "name": "varchar(10) not null"},
	}, {Name: "noheader", Format: Format{Header: bp(false)}}}})
	schema, err := src.Introspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range schema.Tables {
		names = append(names, tb.Name)
	}
	if !slices.Equal(names, []string{"noheader", "people", "plain"}) {
		t.Fatalf("tables %q, want noheader, people, plain", names)
	}
	people := schema.Table("people")
	got := []string{}
	for _, c := range people.Columns {
		got = append(got, c.Name+" "+c.Type.Raw+map[bool]string{true: "", false: " not null"}[c.Nullable])
	}
	if want := []string{"id bigint not null", "name varchar(10) not null", "score numeric(4,1)"}; !slices.Equal(got, want) {
		t.Errorf("people columns %q, want %q", got, want)
	}
	if !slices.Equal(people.PrimaryKey, []string{"id"}) || !strings.Contains(people.Dialect, "file=export-2019.txt") || !strings.Contains(people.Dialect, `delimiter=';'`) {
		t.Errorf("people key %v, dialect %q", people.PrimaryKey, people.Dialect)
	}
	if cols := schema.Table("noheader").Columns; len(cols) != 3 || cols[2].Name != "column_3" {
		t.Errorf("noheader columns %+v, want column_1..3", cols)
	}
	if cols := schema.Table("plain").Columns; len(cols) != 2 || cols[1].Name != "b" {
		t.Errorf("a .tsv file is tab-separated: columns %+v", cols)
	}
	rows, _ := readAll(t, src, "people", "name", "score")
	if len(rows) != 2 || rows[0][0] != "Ann" || rows[1][1] != "3" {
		t.Errorf("people rows %#v", rows)
	}
}

func TestHeaderProblems(t *testing.T) {
	cases := map[string]string{
		"":              "the file is empty",
		"a,,c\n1,2,3\n": "field 2 is empty",
		"a,b,a\n":       `names column "a" twice`,
		"a,\"b\n":       "the header on t.csv line 1 is malformed",
	}
	for data, want := range cases {
		src := openDir(t, writeFiles(t, map[string][]byte{"t.csv": []byte(data)}), Options{})
		_, err := src.Introspect(context.Background())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("header %q: %v, want %q", data, err, want)
		}
	}
}

// TestOptionErrors: every setting the source cannot use is reported at
// once, each naming its table, column and key.
func TestOptionErrors(t *testing.T) {
	dir := writeFiles(t, map[string][]byte{"a.csv": []byte("x\n"), "a.csv.gz": gzipped(t, []byte("x\n"))})
	_, err := Open(context.Background(), "files", "csv://"+dir+"?delimiter=;;&colour=red&header=maybe", Options{
		Format: Format{Encoding: sp("ebcdic"), DateFormat: sp("%Y-%q"), MaxRecordBytes: 10},
		Tables: []TableSpec{
			{Name: "t", File: "missing.csv"},
			{Name: "a", Format: Format{Quote: sp(","), Escape: sp("ab"), TimestampFormat: sp("%d.%m.%Y %H:%M")},
				Types: map[string]string{"x": "int(4)", "y": "money", "z": "timestamptz"}},
		},
	})
	var es OptionErrors
	if !errors.As(err, &es) {
		t.Fatalf("Open = %v, want OptionErrors", err)
	}
	want := []string{
		"URL parameter delimiter: must be one ASCII character",
		"URL parameter colour: unknown setting",
		"URL parameter header: must be true or false",
		"encoding: unknown encoding \"ebcdic\"",
		"date_format: \"%Y-%q\": % must be followed by one of",
		"max_record_bytes: must be between 1024",
		"table t, file: missing.csv is not a file that can be read",
		"table a, file: both a.csv and a.csv.gz would be table a",
		"table a, quote: must differ from the delimiter",
		"table a, escape: must be one ASCII character",
		"table a, column x, source_type: \"int(4)\": int takes no length",
		"table a, column y, source_type: \"money\": unknown type",
		"table a, column z, source_type: timestamp_format \"%d.%m.%Y %H:%M\" has no time zone offset",
	}
	text := err.Error()
	if len(es) != len(want) {
		t.Errorf("%d problems, want %d (each once):\n%s", len(es), len(want), text)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}

// TestFileChangedFailsTheRead: record numbers from before a change mean
// nothing after it.
func TestFileChangedFailsTheRead(t *testing.T) {
	dir := writeFiles(t, map[string][]byte{})
	path := filepath.Join(dir, "t.csv")
	if err := os.WriteFile(path, []byte("a\n1\n2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := openDir(t, dir, Options{})
	readAll(t, src, "t", "a")
	if err := os.WriteFile(path, []byte("a\n1\n2\n3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := src.Read(context.Background(), sluice.ReadRequest{Table: "t", Columns: []string{"a"}, Key: []string{"_record"}})
	if err == nil || !strings.Contains(err.Error(), "the file changed") {
		t.Errorf("read after a change: %v", err)
	}
}

// TestReadingWritesNothing: introspecting, reading, counting and checking
// keys (which spills to a temporary directory) leave the source directory
// as it was.
func TestReadingWritesNothing(t *testing.T) {
	defer func(n int) { runEntries = n }(runEntries)
	runEntries = 2
	dir := writeFiles(t, map[string][]byte{"t.csv": []byte("id\n1\n2\n2\n3\n"), "u.csv.gz": gzipped(t, []byte("x\n1\n"))})
	before, _ := os.ReadDir(dir)
	src := openDir(t, dir, Options{Tables: []TableSpec{{Name: "t", PrimaryKey: []string{"id"}}}})
	if _, err := src.Introspect(context.Background()); err != nil {
		t.Fatal(err)
	}
	readAll(t, src, "t", "id")
	readAll(t, src, "u", "x")
	rep, err := src.CheckKey(context.Background(), sluice.KeyCheck{Table: "t", Key: []string{"id"}, Page: []string{"_record"}, Limit: 10})
	if err != nil || rep.Duplicates != 2 {
		t.Fatalf("CheckKey = %+v, %v", rep, err)
	}
	src.Close()
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) {
		t.Errorf("the directory held %d entries, now %d", len(before), len(after))
	}
}
