package migrate_test

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// The facts below are checked without the transform package: they read the
// source's raw values and query the target with SQL, so a mapping bug that
// compareTable would share with the run still shows here.

// chinookNamespace is the default key namespace, written out as the docs
// give it rather than taken from the code under test.
var chinookNamespace = uuid.MustParse("a18306cf-4b0a-5674-93e2-be8c183b5270")

// chinookFK is one of Chinook's 11 foreign keys, in PascalCase names.
type chinookFK struct{ child, column, parent string }

var chinookFKs = []chinookFK{
	{"Album", "ArtistId", "Artist"},
	{"Customer", "SupportRepId", "Employee"},
	{"Employee", "ReportsTo", "Employee"},
	{"Invoice", "CustomerId", "Customer"},
	{"InvoiceLine", "InvoiceId", "Invoice"},
	{"InvoiceLine", "TrackId", "Track"},
	{"PlaylistTrack", "PlaylistId", "Playlist"},
	{"PlaylistTrack", "TrackId", "Track"},
	{"Track", "AlbumId", "Album"},
	{"Track", "GenreId", "Genre"},
	{"Track", "MediaTypeId", "MediaType"},
}

// pkOf is a Chinook table's primary key in PascalCase.
func pkOf(table string) []string {
	if table == "PlaylistTrack" {
		return []string{"PlaylistId", "TrackId"}
	}
	return []string{table + "Id"}
}

// facts reads a Chinook source raw and describes a target by SQL.
type facts struct {
	e    *env
	ed   edition
	uuid bool
}

func checkChinookFacts(t *testing.T, e *env, ed edition, keys string) {
	t.Helper()
	f := facts{e: e, ed: ed, uuid: keys == config.KeysUUID}
	for _, fk := range chinookFKs {
		f.checkReference(t, fk)
	}
	for table := range chinookTables() {
		if table != "PlaylistTrack" {
			f.checkLegacyKeys(t, table)
		}
	}
	if f.uuid {
		f.checkUUIDs(t)
	}
	f.checkSums(t)
	checkForeignKeysValidated(t, e, len(chinookFKs))
}

func chinookTables() map[string]bool {
	m := map[string]bool{}
	for _, fk := range chinookFKs {
		m[fk.child], m[fk.parent] = true, true
	}
	return m
}

// raw reads columns of a source table in key order, as text ("" for NULL).
func (f facts) raw(t *testing.T, table string, cols ...string) [][]string {
	t.Helper()
	key := f.names(pkOf(table))
	it, err := f.e.srcs["chinook"].Read(context.Background(), sluice.ReadRequest{
		Table: f.ed.n(table), Columns: f.names(cols), Key: key})
	if err != nil {
		t.Fatalf("read source %s: %v", table, err)
	}
	defer it.Close()
	var out [][]string
	for it.Next() {
		row := make([]string, len(cols))
		for i, v := range it.Values() {
			row[i] = rawText(v)
		}
		out = append(out, row)
	}
	if err := it.Err(); err != nil {
		t.Fatalf("read source %s: %v", table, err)
	}
	return out
}

func (f facts) names(pascal []string) []string {
	out := make([]string, len(pascal))
	for i, n := range pascal {
		out[i] = f.ed.n(n)
	}
	return out
}

// rawText is the plain text of a raw source value: integers in decimal,
// decimals exactly (SQLite stores Chinook's NUMERIC as REAL).
func rawText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// legacy is the target expression that holds a table's old key, as text.
func (f facts) legacy(alias, table string) string {
	if f.uuid {
		return alias + ".legacy_id::text"
	}
	var parts []string
	for _, c := range pkOf(table) {
		parts = append(parts, alias+"."+snake(c)+"::text")
	}
	return strings.Join(parts, " || '|' || ")
}

// ids is the set of a single-key table's source keys.
func (f facts) ids(t *testing.T, table string) map[string]bool {
	set := map[string]bool{}
	for _, r := range f.raw(t, table, pkOf(table)...) {
		set[r[0]] = true
	}
	return set
}

// checkReference proves one foreign key survived: each child row whose
// reference resolves in the source joins, in the target, the parent row
// with the same legacy key, and no target reference dangles.
func (f facts) checkReference(t *testing.T, fk chinookFK) {
	t.Helper()
	parents := f.ids(t, fk.parent)
	want := map[string]string{}
	for _, r := range f.raw(t, fk.child, append(pkOf(fk.child), fk.column)...) {
		ref := r[len(r)-1]
		if ref != "" && parents[ref] {
			want[strings.Join(r[:len(r)-1], "|")] = ref
		}
	}
	child, parent, col := snake(fk.child), snake(fk.parent), snake(fk.column)
	q := fmt.Sprintf("SELECT %s, %s FROM public.%s c JOIN public.%s p ON p.%s_id = c.%s",
		f.legacy("c", fk.child), f.legacy("p", fk.parent), child, parent, parent, col)
	got := f.pairs(t, q)
	if len(got) != len(want) {
		t.Errorf("%s.%s: %d rows join %s in the target, %d in the source", child, col, len(got), parent, len(want))
	}
	bad := 0
	for k, v := range want {
		if got[k] != v {
			if bad++; bad <= 3 {
				t.Errorf("%s %s: %s references %s %q in the target, %q in the source", child, k, col, parent, got[k], v)
			}
		}
	}
	if n := f.e.int64(t, fmt.Sprintf("SELECT count(*) FROM public.%s WHERE %s IS NOT NULL", child, col)); n != int64(len(got)) {
		t.Errorf("%s.%s: %d references, %d of them resolve", child, col, n, len(got))
	}
}

// pairs runs a query of two text columns into a map, failing on a
// repeated first column.
func (f facts) pairs(t *testing.T, q string) map[string]string {
	t.Helper()
	rows, err := f.e.db.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if _, dup := m[k]; dup {
			t.Errorf("%s: %s appears twice", q, k)
		}
		m[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return m
}

// checkLegacyKeys proves the target keeps exactly the source's keys.
func (f facts) checkLegacyKeys(t *testing.T, table string) {
	t.Helper()
	want := f.ids(t, table)
	got := f.pairs(t, fmt.Sprintf("SELECT %s, '' FROM public.%s p", f.legacy("p", table), snake(table)))
	if len(got) != len(want) {
		t.Errorf("%s: %d legacy keys in the target, %d in the source", snake(table), len(got), len(want))
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s: source key %s is not in the target", snake(table), k)
			return
		}
	}
}

// keyUUID is the identity the docs specify: UUIDv5(ns, "<source>.<table>:<key>").
func (f facts) keyUUID(table, key string) string {
	return uuid.NewSHA1(chinookNamespace, []byte("chinook."+f.ed.n(table)+":"+key)).String()
}

// checkUUIDs recomputes the first, a middle and the last row identity of
// some tables, a reference, and a composite key's identity.
func (f facts) checkUUIDs(t *testing.T) {
	t.Helper()
	for _, table := range []string{"Track", "Invoice", "Employee", "Artist"} {
		for _, id := range sample(f.ids(t, table)) {
			q := fmt.Sprintf("SELECT %s_id::text FROM public.%s WHERE legacy_id = $1", snake(table), snake(table))
			if got, want := f.e.text(t, q, id), f.keyUUID(table, id); got != want {
				t.Errorf("%s %s: uuid %s, want %s", snake(table), id, got, want)
			}
		}
	}
	lines := f.raw(t, "InvoiceLine", "InvoiceLineId", "TrackId")
	line := lines[len(lines)/2]
	if got, want := f.e.text(t, "SELECT track_id::text FROM public.invoice_line WHERE legacy_id = $1", line[0]), f.keyUUID("Track", line[1]); got != want {
		t.Errorf("invoice_line %s: track_id %s, want %s", line[0], got, want)
	}
	pts := f.raw(t, "PlaylistTrack", "PlaylistId", "TrackId")
	for _, pt := range [][]string{pts[0], pts[len(pts)-1]} {
		key := pt[0] + "|" + pt[1]
		if got, want := f.e.text(t, "SELECT id::text FROM public.playlist_track WHERE legacy_id = $1", key), f.keyUUID("PlaylistTrack", key); got != want {
			t.Errorf("playlist_track %s: id %s, want %s", key, got, want)
		}
	}
}

// sample picks the smallest, a middle and the largest integer key.
func sample(set map[string]bool) []string {
	var ids []int
	for k := range set {
		n, _ := strconv.Atoi(k)
		ids = append(ids, n)
	}
	sort.Ints(ids)
	out := []string{}
	for _, i := range []int{0, len(ids) / 2, len(ids) - 1} {
		out = append(out, strconv.Itoa(ids[i]))
	}
	return out
}

// checkSums compares aggregates the source and target compute on their own.
func (f facts) checkSums(t *testing.T) {
	t.Helper()
	want := new(big.Rat)
	for _, r := range f.raw(t, "Invoice", "Total") {
		v, ok := new(big.Rat).SetString(r[0])
		if !ok {
			t.Fatalf("invoice total %q is not a number", r[0])
		}
		want.Add(want, v)
	}
	got, ok := new(big.Rat).SetString(f.e.text(t, "SELECT sum(total)::text FROM public.invoice"))
	if !ok || got.Cmp(want) != 0 {
		t.Errorf("sum of invoice totals: target %v, source %v", got.FloatString(2), want.FloatString(2))
	}
	chars := int64(0)
	for _, r := range f.raw(t, "Track", "Name") {
		chars += int64(utf8.RuneCountInString(r[0]))
	}
	if n := f.e.int64(t, "SELECT sum(char_length(name)) FROM public.track"); n != chars {
		t.Errorf("characters in track names: target %d, source %d", n, chars)
	}
}

// checkForeignKeysValidated proves the run added every foreign key and
// PostgreSQL validated it over the loaded rows.
func checkForeignKeysValidated(t *testing.T, e *env, want int) {
	t.Helper()
	q := `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`
	if n := e.int64(t, q); n != int64(want) {
		t.Errorf("%d foreign keys in the target, want %d", n, want)
	}
	if n := e.int64(t, q+" AND NOT convalidated"); n != 0 {
		t.Errorf("%d foreign keys are not validated", n)
	}
}
