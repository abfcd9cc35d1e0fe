package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// fidelitySchema is a MariaDB database with what a btree index cannot hold
// (a FULLTEXT index over text longer than 8 KB), spatial columns (which
// once were rejected row by row as "invalid UTF-8"), a view over renamed
// columns, a trigger, a procedure and an event.
const fidelitySchema = `
CREATE TABLE Notes (
  NoteID int PRIMARY KEY,
  Title varchar(200) NOT NULL,
  Body longtext,
  FULLTEXT KEY ft_body (Title, Body)
) ENGINE=InnoDB;
INSERT INTO Notes
  SELECT seq, CONCAT('note ', seq, IF(seq % 2 = 0, ' harbour', ' meadow')),
    (SELECT GROUP_CONCAT(SHA2(CONCAT(s.seq, '-', n.seq), 256) SEPARATOR ' ') FROM seq_1_to_400 s)
  FROM seq_1_to_6 n;
INSERT INTO Notes VALUES (7, 'empty', NULL);
CREATE TABLE Places (
  PlaceID int PRIMARY KEY,
  Name varchar(50) NOT NULL,
  Loc point NOT NULL,
  Area polygon,
  Shape geometry,
  SPATIAL KEY sp_loc (Loc)
);
INSERT INTO Places VALUES
  (1, 'pier', ST_GeomFromText('POINT(4.8896 52.3740)', 4326), ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))', 4326), ST_GeomFromText('LINESTRING(0 0,1 1,2 0.5)')),
  (2, 'dock', ST_GeomFromText('POINT(-0.1 51.5)'), NULL, ST_GeomFromText('MULTIPOINT(1 2,3 4)')),
  (3, 'yard', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0),(0.2 0.1,0.3 0.1,0.3 0.2,0.2 0.1))'), ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))'));
CREATE VIEW LongNotes AS SELECT NoteID, Title AS Heading FROM Notes WHERE NoteID > 2 AND Body IS NOT NULL;
CREATE TRIGGER notes_bi BEFORE INSERT ON Notes FOR EACH ROW SET NEW.Title = TRIM(NEW.Title);
CREATE PROCEDURE purge_notes() DELETE FROM Notes WHERE NoteID < 0;
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM Notes WHERE NoteID < 0;
`

// init, plan, migrate and verify a schema with FULLTEXT, spatial columns,
// a view, a trigger, a procedure and an event: the plan lists what it does
// not carry over, the FULLTEXT index becomes a working GIN index, spatial
// values arrive as PostGIS geometry with their SRID, the view returns the
// source view's rows, and a rerun is clean.
func TestFidelityObjects(t *testing.T) {
	t.Parallel()
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, fidelitySchema)
	dst := sluicetest.NewPostgresDB(t)
	dir := t.TempDir()
	r := runSluice(t, "init", "--source", "shop="+src, "--target", dst)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "spatial: postgis") {
		t.Fatalf("init did not choose PostGIS on a target that has it:\n%s", r.stdout)
	}
	writeFile(t, dir, "sluice.yaml", r.stdout)
	in := invocation{dir: dir}
	p := in.run(t, "plan")
	wantCode(t, p, 0)
	checkFidelityPlan(t, p.stdout)
	m := in.run(t, "migrate", "--progress", "none")
	wantCode(t, m, 0)
	if strings.Contains(m.stdout, "UTF-8") || !strings.Contains(m.stdout, "0 rejected") {
		t.Errorf("migrate rejected rows:\n%s", m.stdout)
	}
	wantCode(t, in.run(t, "verify"), 0)
	conn := pgConn(t, dst)
	checkFullText(t, conn)
	checkPlaces(t, conn, src)
	wantRows := sqlStrings(t, mysqlDB(t, src), "SELECT CONCAT(NoteID, ' | ', Heading) FROM LongNotes ORDER BY NoteID")
	if got := pgRows(t, conn, "SELECT note_id, heading FROM long_notes ORDER BY note_id"); !slices.Equal(got, wantRows) || len(got) != 4 {
		t.Errorf("view long_notes: got %q, want the source view's %q", got, wantRows)
	}
	again := in.run(t, "migrate", "--progress", "none")
	wantCode(t, again, 0)
	if n := pgInt(t, conn, "SELECT count(*) FROM long_notes"); n != 4 {
		t.Errorf("after a rerun the view has %d rows, want 4", n)
	}
}

func checkFidelityPlan(t *testing.T, plan string) {
	t.Helper()
	_, lost, ok := strings.Cut(plan, "\nNot carried over (")
	if !ok {
		t.Fatalf("the plan has no Not carried over section:\n%s", plan)
	}
	for _, want := range []string{"trigger notes_bi on Notes", "procedure purge_notes", "event nightly", "FULLTEXT search on (Title, Body)"} {
		if !strings.Contains(lost, want) {
			t.Errorf("Not carried over lacks %q:\n%s", want, lost)
		}
	}
	if strings.Contains(lost, "view LongNotes") {
		t.Errorf("the view is listed as lost, but it is created:\n%s", lost)
	}
	for _, want := range []string{`CREATE VIEW "public"."long_notes" AS SELECT`, `USING gin (to_tsvector('simple'`, `USING gist ("loc")`, `"loc" geometry(Point) NOT NULL`} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan lacks %q", want)
		}
	}
}

// The FULLTEXT index is a GIN index that a text search uses, although its
// text is too long for a B-tree.
func checkFullText(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	defs := pgRows(t, conn, "SELECT indexdef FROM pg_indexes WHERE tablename = 'notes' AND indexdef LIKE '%USING gin%'")
	if len(defs) != 1 || !strings.Contains(defs[0], "to_tsvector") {
		t.Fatalf("GIN indexes on notes: %q", defs)
	}
	n := pgInt(t, conn, `SELECT count(*) FROM notes
		WHERE to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, '')) @@ websearch_to_tsquery('simple', 'harbour')`)
	if n != 3 {
		t.Errorf("a text search for harbour found %d notes, want 3", n)
	}
}

// Spatial values arrive as PostGIS geometry, each with its SRID: equal to
// the source's EWKT as PostGIS reads it (the two write MULTIPOINT apart).
func checkPlaces(t *testing.T, conn *pgx.Conn, src string) {
	t.Helper()
	rows := sqlStrings(t, mysqlDB(t, src), `SELECT CONCAT_WS('|', PlaceID,
		IF(ST_SRID(Loc) = 0, ST_AsText(Loc), CONCAT('SRID=', ST_SRID(Loc), ';', ST_AsText(Loc))),
		COALESCE(IF(ST_SRID(Area) = 0, ST_AsText(Area), CONCAT('SRID=', ST_SRID(Area), ';', ST_AsText(Area))), ''),
		ST_AsText(Shape)) FROM Places ORDER BY PlaceID`)
	var want []string
	for _, r := range rows {
		f := strings.Split(r, "|")
		want = append(want, strings.Join(pgRows(t, conn, `SELECT $1::int, ST_AsEWKT(ST_GeomFromEWKT($2)),
			coalesce(ST_AsEWKT(ST_GeomFromEWKT(nullif($3, ''))), '-'), ST_AsEWKT(ST_GeomFromEWKT($4))`, f[0], f[1], f[2], f[3]), ""))
	}
	got := pgRows(t, conn, `SELECT place_id, ST_AsEWKT(loc), coalesce(ST_AsEWKT(area), '-'), ST_AsEWKT(shape) FROM places ORDER BY place_id`)
	if !slices.Equal(got, want) || len(got) != 3 {
		t.Errorf("places:\n got %q\nwant %q", got, want)
	}
}
