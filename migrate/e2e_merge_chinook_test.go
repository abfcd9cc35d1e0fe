package migrate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
)

// chinookDivergence makes the MySQL copy of Chinook another system's: other
// artist keys (so a foreign key resolves only through the match), one artist
// renamed (no longer a match), one added and one without albums gone.
const chinookDivergence = `SET FOREIGN_KEY_CHECKS = 0;
UPDATE Artist SET ArtistId = ArtistId + 1000;
UPDATE Album SET ArtistId = ArtistId + 1000;
UPDATE Artist SET Name = CONCAT(Name, ' (MySQL)') WHERE ArtistId = 1001;
INSERT INTO Artist (ArtistId, Name) VALUES (5000, 'Only In MySQL');
DELETE FROM Artist WHERE ArtistId = (SELECT m FROM (SELECT MIN(ArtistId) AS m FROM Artist WHERE ArtistId NOT IN (SELECT ArtistId FROM Album)) x);
SET FOREIGN_KEY_CHECKS = 1;`

// chinookMergeYAML merges the music tables of two Chinook copies: artists,
// genres and media types matched on their names, albums and tracks side by
// side with their lineage; the other tables are left out.
func chinookMergeYAML(lite, my, tgt string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `version: 1
sources:
  lite: {url: %q}
  my: {url: %q}
target: {url: %q}
defaults:
  naming: snake_case
  keys: uuid
  chunk_rows: 1000
tables:
`, lite, my, tgt)
	for _, name := range []string{"Customer", "Employee", "Invoice", "InvoiceLine", "Playlist", "PlaylistTrack"} {
		fmt.Fprintf(&b, "  lite.%s: {skip: true}\n  my.%s: {skip: true}\n", name, name)
	}
	b.WriteString(`  artists: {from: [lite.Artist, my.Artist], match_on: [name]}
  genres: {from: [lite.Genre, my.Genre], match_on: [name]}
  media_types: {from: [lite.MediaType, my.MediaType], match_on: [name]}
  albums: {from: [lite.Album, my.Album]}
  tracks: {from: [lite.Track, my.Track]}
`)
	return b.String()
}

// TestMergeChinookFromTwoEngines merges Chinook from SQLite and a diverged
// MySQL copy into one target and checks every fact against the sources.
func TestMergeChinookFromTwoEngines(t *testing.T) {
	t.Parallel()
	lite, my := sluicetest.ChinookSQLite(t), sluicetest.ChinookMySQL(t)
	sluicetest.ExecMySQL(t, my, chinookDivergence)
	e := newEnv(t, chinookMergeYAML(lite, my, sluicetest.NewPostgresDB(t)))
	sum := e.mustRun(t, migrate.Options{Verify: allLevels})
	srcs := map[string]string{"lite": lite, "my": my}

	for _, src := range []string{"lite", "my"} {
		for _, table := range []string{"Artist", "Genre", "MediaType", "Album", "Track"} {
			n := int64(len(sourceRows(t, srcs[src], "SELECT 1 FROM "+table)))
			r := result(t, sum, src+"."+table)
			if r.Read != n || r.Loaded != n || r.Rejected != 0 {
				t.Errorf("%s.%s: %s, loaded %d; want %d read and loaded", src, table, counts(r), r.Loaded, n)
			}
		}
	}
	checkMatchedArtists(t, e, srcs)
	checkAlbumArtists(t, e, srcs)
	if n := e.int64(t, `SELECT count(*) FROM public.tracks tr JOIN public.albums a ON a.id = tr.album_id
		JOIN public.genres g ON g.id = tr.genre_id JOIN public.media_types m ON m.id = tr.media_type_id`); n != 2*sluicetest.ChinookRows["Track"] {
		t.Errorf("%d tracks join their album, genre and media type, want %d", n, 2*sluicetest.ChinookRows["Track"])
	}
	checkForeignKeysValidated(t, e, 4)
	if s := e.text(t, `SELECT status FROM sluice.runs WHERE run_id = $1`, sum.RunID); s != "ok" {
		t.Errorf("run recorded as %q", s)
	}
	verifyClean(t, e)

	// A rerun on the unchanged sources writes nothing, also where a foreign
	// key was resolved through the match.
	before := map[string]map[string]string{}
	for _, table := range []string{"artists", "albums", "tracks"} {
		before[table] = e.xmins(t, table, "id")
	}
	e = newEnv(t, chinookMergeYAML(lite, my, e.cfg.Target.URL))
	sum = e.mustRun(t, migrate.Options{})
	for _, r := range sum.Tables {
		if r.Inserted != 0 || r.Updated != 0 || r.Deleted != 0 || r.Unchanged != r.Read || r.Read == 0 {
			t.Errorf("rerun of %s: %s, want every row unchanged", r.ID, counts(r))
		}
	}
	for table, x := range before {
		sameXmins(t, table, e.xmins(t, table, "id"), x, "")
	}
}

// checkMatchedArtists: one row per distinct name, owned by the first source
// in from order that has it, with the identity of the name; every source
// row's legacy key in sluice.legacy_keys, pointing at its name's row.
func checkMatchedArtists(t *testing.T, e *env, srcs map[string]string) {
	t.Helper()
	owner := map[string]string{} // name -> "source|key"
	var wantKeys []string
	for _, src := range []string{"lite", "my"} {
		for _, r := range sourceRows(t, srcs[src], "SELECT ArtistId, Name FROM Artist ORDER BY ArtistId") {
			id, name, _ := strings.Cut(r, "|")
			if _, ok := owner[name]; !ok {
				owner[name] = src + "|" + id
			}
			wantKeys = append(wantKeys, strings.Join([]string{
				keyUUID(t, e.plan.Namespace, src, "Artist", atoi(t, id)), src + ".Artist", src, id,
				keyUUID(t, e.plan.Namespace, "match", "artists", name)}, "|"))
		}
	}
	var want []string
	for name, o := range owner {
		want = append(want, keyUUID(t, e.plan.Namespace, "match", "artists", name)+"|"+o+"|"+name)
	}
	sameSet(t, "artists", e.rows(t, `SELECT id::text, source, legacy_id, name FROM public.artists`), want)
	sameSet(t, "legacy keys of artists", e.rows(t, `SELECT legacy_uuid::text, table_id, source, legacy_key, entity::text
		FROM sluice.legacy_keys WHERE target_table = 'artists'`), wantKeys)
	matched := e.int64(t, `SELECT count(*) FROM (SELECT entity FROM sluice.legacy_keys WHERE target_table = 'artists'
		GROUP BY entity HAVING count(*) = 2 AND count(DISTINCT source) = 2) x`)
	if both := int64(len(wantKeys) - len(owner)); matched != both {
		t.Errorf("%d artists have a legacy key in each source, want %d", matched, both)
	}
}

// checkAlbumArtists: every album of either source references the row of its
// artist's name, found through the match for the source that does not own it.
func checkAlbumArtists(t *testing.T, e *env, srcs map[string]string) {
	t.Helper()
	var want []string
	for _, src := range []string{"lite", "my"} {
		for _, r := range sourceRows(t, srcs[src], `SELECT al.AlbumId, al.Title, ar.Name FROM Album al JOIN Artist ar ON ar.ArtistId = al.ArtistId`) {
			want = append(want, src+"|"+r)
		}
	}
	got := e.rows(t, `SELECT al.source, al.legacy_id, al.title, ar.name FROM public.albums al JOIN public.artists ar ON ar.id = al.artist_id`)
	sameSet(t, "albums joined to their artists", got, want)
	if n := e.int64(t, `SELECT count(*) FROM public.albums WHERE artist_id IS NULL OR artist_id NOT IN (SELECT id FROM public.artists)`); n != 0 {
		t.Errorf("%d albums reference no artist", n)
	}
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return n
}
