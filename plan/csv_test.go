package plan

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// csvSchema is two files as the CSV source reports them: one with a
// declared key, one without; both paged by their record number.
func csvSchema() *sluice.Schema {
	intCol := func(name string, nullable bool) sluice.Column {
		return sluice.Column{Name: name, Type: sluice.Type{Kind: sluice.KindInt, Bits: 64, Raw: "bigint"}, Nullable: nullable}
	}
	return &sluice.Schema{Source: "files", Engine: "csv", Tables: []sluice.Table{
		{Name: "Album", RowID: "_record", RowIDOnly: true, PrimaryKey: []string{"AlbumId"}, Rows: 347, Dialect: "file=Album.csv encoding=utf-8",
			Columns: []sluice.Column{intCol("AlbumId", false), {Name: "Title", Type: sluice.Type{Kind: sluice.KindString, Length: 160, Raw: "varchar(160)"}, Nullable: true},
				{Name: "Price", Type: sluice.Type{Kind: sluice.KindDecimal, Precision: 10, Scale: 2, Raw: "numeric(10,2)"}, Nullable: true}}},
		{Name: "Log", RowID: "_record", RowIDOnly: true, Rows: 10, Dialect: "file=Log.csv.gz encoding=latin1",
			Columns: []sluice.Column{intCol("Seq", true), {Name: "Text", Type: sluice.Type{Kind: sluice.KindText, Raw: "text"}, Nullable: false}}},
	}}
}

func csvConfig(t *testing.T, tables string) *config.Config {
	t.Helper()
	text := "version: 1\nsources:\n  files: {url: \"csv:///data\"}\ntarget: {url: \"postgres://x@pg/y\"}\ndefaults: {keys: uuid}\n" + tables
	cfg, err := config.Parse(strings.NewReader(text), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestPlanCSV(t *testing.T) {
	p, err := Build(csvConfig(t, ""), []*sluice.Schema{csvSchema()})
	if err != nil {
		t.Fatal(err)
	}
	album, log := p.Table("files.Album"), p.Table("files.Log")
	if !slices.Equal(album.Key, []string{"_record"}) || !slices.Equal(album.PrimaryKey, []string{"album_id"}) || album.Keys != config.KeysUUID {
		t.Errorf("Album: key %v, primary key %v, keys %s; want paged by _record, keyed by album_id (uuid)", album.Key, album.PrimaryKey, album.Keys)
	}
	if album.BadKeys != config.BadKeysReject || album.Dialect == "" {
		t.Errorf("Album: bad_keys %q, dialect %q; want the key checked and the dialect kept", album.BadKeys, album.Dialect)
	}
	if log.Keys != config.KeysKeep || log.PrimaryKey != nil || !slices.Equal(log.Key, []string{"_record"}) {
		t.Errorf("Log: keys %s, primary key %v, key %v", log.Keys, log.PrimaryKey, log.Key)
	}
	var warns []string
	for _, w := range p.Warnings {
		warns = append(warns, w.Table+": "+w.Message)
	}
	want := []string{
		"files.Album: a file does not enforce the declared primary key (AlbumId): migrate reads the file once more to check it before the load; rows with a NULL or duplicate key are rejected (bad_keys: reject)",
		"files.Log: no primary key (declare one with primary_key:): read in file order, paginated by the record number _record; keys: uuid needs a primary key, so its rows keep no uuid (keys: keep)",
	}
	if !slices.Equal(warns, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warns, "\n"), strings.Join(want, "\n"))
	}
	other := csvSchema()
	other.Tables[0].Dialect = "file=Album.csv encoding=latin1"
	p2, err := Build(csvConfig(t, ""), []*sluice.Schema{other})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Table("files.Album").Hash(p.Namespace) == album.Hash(p.Namespace) {
		t.Error("reading the file in another encoding does not change the table's mapping hash")
	}
}

func TestPlanCSVErrors(t *testing.T) {
	cfg := csvConfig(t, `tables:
  files.Log:
    where: "Seq > 3"
    primary_key: [Sequence]
`)
	_, err := Build(cfg, []*sluice.Schema{csvSchema()})
	got := ""
	if err != nil {
		got = err.Error()
	}
	for _, w := range []string{
		`sluice.yaml:7: tables.files.Log.where: a csv: source cannot filter records`,
		`sluice.yaml:9: tables.files.Log.primary_key: column "Sequence" does not exist in files.Log`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

// TestStarterCSV: init writes each column's type down as its source_type
// (so that it no longer depends on the sample), the declared key, and how
// to declare one where there is none.
func TestStarterCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteStarter(&buf, csvConfig(t, ""), []*sluice.Schema{csvSchema()}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, w := range []string{
		`AlbumId: {name: album_id, source_type: bigint}`,
		`Title: {name: title, source_type: "varchar(160)"}`,
		`Price: {name: price, source_type: "numeric(10,2)"}`,
		`    primary_key: [AlbumId]`,
		`    # primary_key: [Seq]   # a file has no key`,
		`Text: {name: text, source_type: "text not null"}`,
		`    # encoding: cp1252   # if the files are not UTF-8`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("starter lacks %q:\n%s", w, out)
		}
	}
	cfg, err := config.Parse(strings.NewReader(out), "starter.yaml")
	if err != nil {
		t.Fatalf("the starter does not parse: %v\n%s", err, out)
	}
	if r := cfg.Rule("files", "Album"); r == nil || r.Column("Price").SourceType != "numeric(10,2)" || !slices.Equal(r.PrimaryKey, []string{"AlbumId"}) {
		t.Errorf("starter Album rule: %+v", r)
	}
	if _, err := Build(cfg, []*sluice.Schema{csvSchema()}); err != nil {
		t.Errorf("the starter does not plan: %v", err)
	}
}
