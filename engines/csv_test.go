package engines

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// TestCSVSettingsRefusedAtTheirLines: what the CSV source refuses is a
// config error at the key that set it, every one at once.
func TestCSVSettingsRefusedAtTheirLines(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte("id\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	text := `version: 1
sources:
  files:
    url: "csv://` + dir + `?colour=red"
    csv:
      quote: "''"
target: {url: "postgres://x@localhost/y"}
tables:
  files.people:
    csv:
      date_format: "%Y"
    columns:
      id: {source_type: money}
  files.absent:
    csv: {file: nowhere.csv}
`
	cfg, err := config.Parse(strings.NewReader(text), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenAll(context.Background(), cfg)
	var es config.Errors
	if !errors.As(err, &es) {
		t.Fatalf("OpenAll = %v, want config.Errors", err)
	}
	want := []string{
		`sluice.yaml:3: sources.files.url: setting colour: unknown setting`,
		`sluice.yaml:6: sources.files.csv.quote: must be one ASCII character, got "''"`,
		`sluice.yaml:11: tables.files.people.csv.date_format: "%Y": a format needs a year`,
		`sluice.yaml:13: tables.files.people.columns.id.source_type: "money": unknown type`,
		`sluice.yaml:15: tables.files.absent.csv.file: nowhere.csv is not a file that can be read`,
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
	if len(es) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(es), len(want), got)
	}
}

func TestOpenCSV(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte("a;b\n1;2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := Open(context.Background(), "files", "csv://"+dir+"?delimiter=;")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	schema, err := src.Introspect(context.Background())
	if err != nil || src.Engine() != "csv" || len(schema.Tables) != 1 || len(schema.Tables[0].Columns) != 2 {
		t.Fatalf("introspect: %+v, %v", schema, err)
	}
}

// TestCSVSourceEncoding: the source's encoding: key is its files' encoding.
func TestCSVSourceEncoding(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte("name\nS\xe3o Paulo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(strings.NewReader("version: 1\nsources:\n  files: {url: \"csv://"+dir+"\", encoding: latin1}\ntarget: {url: \"postgres://x@localhost/y\"}\n"), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := OpenAll(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srcs.Close()
	it, err := srcs["files"].Read(context.Background(), sluice.ReadRequest{Table: "t", Columns: []string{"name"}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	if !it.Next() || it.Values()[0] != "São Paulo" {
		t.Errorf("read %v (%v), want São Paulo", it.Values(), it.Err())
	}
}
