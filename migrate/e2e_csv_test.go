package migrate_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// chinookCSVRules declares what the CSV edition of Chinook lacks: each
// table's key and references, and the exact type of its prices (the other
// types are inferred from the files).
func chinookCSVRules() string {
	var b strings.Builder
	b.WriteString("tables:\n")
	for _, tb := range sluicetest.ChinookCSVTables {
		fmt.Fprintf(&b, "  chinook.%s:\n    primary_key: [%s]\n    columns:\n", tb.Name, strings.Join(tb.PrimaryKey, ", "))
		for col, ref := range tb.References {
			fmt.Fprintf(&b, "      %s: {references: chinook.%s}\n", col, ref)
		}
		for _, col := range []string{"UnitPrice", "Total"} {
			if tb.Name == "Track" && col == "UnitPrice" || tb.Name == "InvoiceLine" && col == "UnitPrice" || tb.Name == "Invoice" && col == "Total" {
				fmt.Fprintf(&b, "      %s: {source_type: \"numeric(10,2) not null\"}\n", col)
			}
		}
	}
	return b.String()
}

// TestChinookFromCSV: Chinook exported to CSV files migrates with keys:
// uuid and declared keys and references exactly as the SQLite edition it was
// exported from: the same counts, no reject, every verification level
// clean, and target tables identical row for row (the same uuids, foreign
// keys included).
func TestChinookFromCSV(t *testing.T) {
	t.Parallel()
	dir := sluicetest.ChinookCSV(t)
	e := newEnv(t, chinookYAML("csv://"+dir, sluicetest.NewPostgresDB(t), config.KeysUUID, chinookCSVRules()))
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	checkChinookSummary(t, e, sum)
	verifyClean(t, e)
	for _, pt := range e.plan.Tables {
		if rejected := compareTable(t, e, pt); rejected != 0 {
			t.Errorf("%s: the mapping rejects %d source rows", pt.ID, rejected)
		}
		if len(pt.ForeignKeys) != len(e.plan.Table("chinook."+pt.SourceTable).ForeignKeys) {
			t.Errorf("%s: foreign keys %+v", pt.ID, pt.ForeignKeys)
		}
	}
	lite := newEnv(t, chinookYAML(sluicetest.ChinookSQLite(t), sluicetest.NewPostgresDB(t), config.KeysUUID, ""))
	lite.mustRun(t, migrate.Options{})
	for name := range chinookRows() {
		q := fmt.Sprintf("SELECT t::text FROM public.%s AS t ORDER BY 1", name)
		got, want := e.rows(t, q), lite.rows(t, q)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d rows from CSV, %d from SQLite, not the same (first from CSV %q, from SQLite %q)", name, len(got), len(want), first(got), first(want))
		}
	}
	if n := e.int64(t, `SELECT count(*) FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY' AND table_schema = 'public'`); n != 11 {
		t.Errorf("%d foreign keys in the target, want Chinook's 11", n)
	}
}

func first(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0]
}

// TestCSVRejectsAreAccounted: every malformed record and every value that
// does not fit its declared type is a reject naming the file and line, keyed
// by record number (or by the legacy key's record for a keyed table), and
// the counts reconcile: source records = loaded + rejected. Files in
// latin1, in UTF-16 with a byte order mark and gzip-compressed load the same
// text.
func TestCSVRejectsAreAccounted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string][]byte{
		"people.csv": []byte("id,name,born\n1,Ada,1815-12-10\n2,Two fields\n3,Bo\"b,2000-01-01\nx4,Carl,2000-01-01\n5,Dan,2000-02-30\n" +
			"6,\xffbad,2000-01-01\n7,Eve,1999-12-31\n7,Again,1999-12-31\n8,\"never closed,2000-01-01\n9,Lost,2000-01-01\n"),
		"latin.csv.gz": gzipBytes(t, []byte("id;name\n1;Andr\xe9\n2;Fran\xe7oise\n")),
		"wide.csv":     utf16LE("id,name\n1,東京\n2,Zoë 😀\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	yaml := fmt.Sprintf(`version: 1
sources:
  files: {url: "csv://%s"}
target: {url: %q}
defaults: {keys: uuid}
tables:
  files.people:
    primary_key: [id]
    columns:
      id: {source_type: integer}
      born: {source_type: date}
  files.latin:
    csv: {encoding: latin1, delimiter: ";"}
`, dir, sluicetest.NewPostgresDB(t))
	e := newEnv(t, yaml)
	sum := e.mustRun(t, migrate.Options{MaxRejects: 100, Verify: allLevels})
	people := result(t, sum, "files.people")
	if people.SourceRows != 9 || people.Loaded != 1 || people.Rejected != 8 {
		t.Errorf("people: %+v, want 9 records = 1 loaded + 8 rejected", people)
	}
	rejects := e.rows(t, `SELECT row_key, coalesce(column_name, '-'), reason FROM sluice.rejects WHERE source_table = 'people' ORDER BY row_key::int`)
	want := []string{
		"2|-|people.csv line 3: 2 fields, where the table has 3 columns",
		"3|-|people.csv line 4: a quote inside an unquoted field",
		`4|id|people.csv line 5, column id: "x4" is not an integer`,
		`5|born|people.csv line 6, column born: "2000-02-30" is not a real date`,
		`6|name|people.csv line 7, column name: "\xffbad": invalid UTF-8 at byte 0`,
		"7|id|another source row has the same primary key",
		"8|id|another source row has the same primary key",
		"9|-|people.csv lines 10-11: a quote opened on line 10 is never closed",
	}
	if len(rejects) != len(want) {
		t.Fatalf("rejects:\n%s\nwant %d", strings.Join(rejects, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(rejects[i], w) {
			t.Errorf("reject %d = %q, want %q", i+1, rejects[i], w)
		}
	}
	if raw := e.text(t, `SELECT encode(raw_bytes, 'escape') FROM sluice.rejects WHERE source_table = 'people' AND row_key = '2'`); raw != "2,Two fields" {
		t.Errorf("the malformed record's raw bytes: %q", raw)
	}
	if got := e.rows(t, `SELECT name FROM public.latin ORDER BY id`); !slices.Equal(got, []string{"André", "Françoise"}) {
		t.Errorf("latin1 gzip names %q", got)
	}
	if got := e.rows(t, `SELECT name FROM public.wide ORDER BY id`); !slices.Equal(got, []string{"東京", "Zoë 😀"}) {
		t.Errorf("UTF-16 names %q", got)
	}
	verifyClean(t, e)
}

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
			out = append(out, byte(hi), byte(hi>>8), byte(lo), byte(lo>>8))
			continue
		}
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCSVMergeRerun: a merge rerun on a changed file writes only what
// changed, whatever the order of its records: a record changed, one gone
// (delete_missing), one new, the rest moved around; a rerun on the same file
// writes nothing. A CSV file's keys reference a SQLite table's rows across
// sources with keys: uuid.
func TestCSVMergeRerun(t *testing.T) {
	t.Parallel()
	dir, tgt := t.TempDir(), sluicetest.NewPostgresDB(t)
	write := func(rows []string) {
		path := filepath.Join(dir, "ratings.csv")
		os.Remove(path)
		if err := os.WriteFile(path, []byte("RatingId,TrackId,Stars,Note\n"+strings.Join(rows, "\n")+"\n"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	rows := make([]string, 10)
	for i := range rows {
		rows[i] = fmt.Sprintf("%d,%d,%d,\"note %d\"", i+1, 100*(i+1), 1+i%5, i+1)
	}
	write(rows)
	yaml := fmt.Sprintf(`version: 1
sources:
  chinook: {url: %q}
  files: {url: "csv://%s"}
target: {url: %q}
defaults: {keys: uuid, naming: snake_case}
tables:
  files.ratings:
    primary_key: [RatingId]
    strategy: merge
    delete_missing: true
    columns:
      TrackId: {references: chinook.Track}
`, sluicetest.ChinookSQLite(t), dir, tgt)
	run := func(want string) {
		t.Helper()
		e := newEnv(t, yaml)
		sum := e.mustRun(t, migrate.Options{Verify: allLevels})
		if got := counts(result(t, sum, "files.ratings")); got != want {
			t.Errorf("ratings: %s, want %s", got, want)
		}
		verifyClean(t, e)
		if n := e.int64(t, `SELECT count(*) FROM ratings r JOIN track t USING (track_id) WHERE t.legacy_id = r.legacy_id * 100`); n != e.int64(t, `SELECT count(*) FROM ratings`) {
			t.Errorf("only %d ratings reference the SQLite track they name", n)
		}
	}
	run("read 10 inserted 10 updated 0 unchanged 0 deleted 0 rejected 0")
	changed := slices.Clone(rows)
	changed[2] = `3,300,5,"note 3, revised"`
	changed = append(changed[:4], changed[5:]...) // rating 5 is gone
	changed = append(changed, `11,1100,4,"new"`)
	slices.Reverse(changed)
	write(changed)
	run("read 10 inserted 1 updated 1 unchanged 8 deleted 1 rejected 0")
	run("read 10 inserted 0 updated 0 unchanged 10 deleted 0 rejected 0")
}

// TestCSVExpansion: a CSV table expands into child rows like any other,
// its file read a second time for the child table.
func TestCSVExpansion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "clinics.csv"), []byte("ClinicId,Name,Rooms,Tags\n1,North,2,a;b\n2,South,0,\n3,East,3,x\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`version: 1
sources:
  files: {url: "csv://%s"}
target: {url: %q}
defaults: {keys: uuid, chunk_rows: 2}
tables:
  files.clinics:
    primary_key: [ClinicId]
    expand:
      rooms: {count: Rooms, ordinal: room_no}
      tags: {list: Tags, separator: ";", value: tag}
`, dir, sluicetest.NewPostgresDB(t))
	e := newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: allLevels})
	if got := e.rows(t, `SELECT c.name, r.room_no FROM rooms r JOIN clinics c ON c.clinic_id = r.clinics_id ORDER BY 1, 2`); !slices.Equal(got, []string{"East|1", "East|2", "East|3", "North|1", "North|2"}) {
		t.Errorf("rooms %q", got)
	}
	if got := e.rows(t, `SELECT tag FROM tags ORDER BY 1`); !slices.Equal(got, []string{"a", "b", "x"}) {
		t.Errorf("tags %q", got)
	}
	verifyClean(t, e)
}
