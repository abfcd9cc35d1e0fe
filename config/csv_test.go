package config

import (
	"reflect"
	"strings"
	"testing"
)

const csvHeader = `version: 1
sources:
  clinical: {url: "mysql://app@db1/clinical"}
  files:
    url: csv:///data/exports?encoding=latin1
    encoding: UTF-16LE
    csv: {delimiter: ";", null: ["", NULL, '\N'], header: true, date_format: "%d.%m.%Y", max_record_bytes: 2048}
target: {url: "postgres://sluice@pg/platform"}
`

func TestParseCSV(t *testing.T) {
	text := csvHeader + `tables:
  files.Invoices:
    csv:
      file: invoices-2019.csv.gz
      header: false
      columns: [InvoiceId, CustomerId, Total]
      quote: ""
      encoding: Windows-1252
      "null": NULL
    primary_key: [InvoiceId]
    columns:
      InvoiceId: {source_type: integer}
      Total: {source_type: "numeric(10,2) not null", type: "numeric(12,2)"}
`
	cfg := parse(t, text)
	src := cfg.Source("files").CSV
	if cfg.Source("files").Encoding != "utf-16le" {
		t.Errorf("source encoding %q, want utf-16le", cfg.Source("files").Encoding)
	}
	if src == nil || *src.Delimiter != ";" || !reflect.DeepEqual(src.Null, []string{"", "NULL", `\N`}) || !*src.Header ||
		*src.DateFormat != "%d.%m.%Y" || src.MaxRecordBytes != 2048 || src.Line != 7 || src.Lines["date_format"] != 7 {
		t.Errorf("source csv: %+v", src)
	}
	r := cfg.Rule("files", "Invoices")
	tc := r.CSV
	if tc.File != "invoices-2019.csv.gz" || *tc.Header || !reflect.DeepEqual(tc.Columns, []string{"InvoiceId", "CustomerId", "Total"}) ||
		*tc.Quote != "" || !reflect.DeepEqual(tc.Null, []string{"NULL"}) || tc.Lines["columns"] != 14 || *tc.Encoding != "cp1252" {
		t.Errorf("table csv: %+v", tc)
	}
	if !reflect.DeepEqual(r.PrimaryKey, []string{"InvoiceId"}) || r.PrimaryKeyLine != 18 {
		t.Errorf("primary_key %v at line %d", r.PrimaryKey, r.PrimaryKeyLine)
	}
	if c := r.Column("Total"); c.SourceType != "numeric(10,2) not null" || c.Type != "numeric(12,2)" {
		t.Errorf("column Total: %+v", c)
	}
}

// parse parses text that must be valid.
func parse(t *testing.T, text string) *Config {
	t.Helper()
	cfg, err := Parse(strings.NewReader(text), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return cfg
}

func TestCSVErrors(t *testing.T) {
	text := csvHeader + `tables:
  clinical.Patients:
    csv: {delimiter: ","}
    primary_key: [Id]
    columns:
      Id: {source_type: integer}
  files.People:
    csv: {file: "", columns: [a, a], header: maybe, sample_rows: 0, colour: red, encoding: ebcdic}
    primary_key: []
`
	got := parseErrors(t, text)
	want := []string{
		`sluice.yaml:11: tables.clinical.Patients.csv: csv applies to the tables of a csv: source; clinical is not one`,
		`sluice.yaml:12: tables.clinical.Patients.primary_key: primary_key applies to the tables of a csv: source; clinical is not one`,
		`sluice.yaml:14: tables.clinical.Patients.columns.Id.source_type: source_type applies to the columns of a csv: source; clinical is not one`,
		`sluice.yaml:16: tables.files.People.csv: unknown key "colour"`,
		`sluice.yaml:16: tables.files.People.csv.columns: "a" is listed twice`,
		`sluice.yaml:16: tables.files.People.csv.file: must not be empty`,
		`sluice.yaml:16: tables.files.People.csv.header: expected true or false, got "maybe"`,
		`sluice.yaml:16: tables.files.People.csv.sample_rows: must be between 1 and 1000000, got 0`,
		`sluice.yaml:16: tables.files.People.csv.encoding: unknown encoding "ebcdic" (known: utf-8, utf-16, utf-16le, utf-16be, ascii,`,
		`sluice.yaml:17: tables.files.People.primary_key: lists no column`,
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, w)
		}
		if !found {
			t.Errorf("missing %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	inCSV := strings.Replace(csvHeader, `csv: {delimiter: ";",`, `csv: {encoding: latin1, delimiter: ";",`, 1)
	if got := parseErrors(t, inCSV); len(got) != 1 || !strings.Contains(got[0], "sources.files.csv.encoding: a source's encoding is a key of the source itself") {
		t.Errorf("encoding in a source's csv: %q", got)
	}
	bad := strings.Replace(csvHeader, `clinical: {url: "mysql://app@db1/clinical"}`, `clinical: {url: "mysql://app@db1/clinical", csv: {delimiter: ","}}`, 1)
	if got := parseErrors(t, bad); len(got) != 1 || !strings.Contains(got[0], "sources.clinical.csv: csv: applies to a csv: source; this one is mysql:") {
		t.Errorf("csv: on a mysql source: %q", got)
	}
}
