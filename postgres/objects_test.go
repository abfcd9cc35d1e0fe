package postgres

import (
	"os"

	"github.com/jackc/pgx/v5"
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

const objectsScript = `
CREATE TABLE notes (id int PRIMARY KEY, "Title" text NOT NULL, tags text[], n int, serial_id serial);
CREATE INDEX notes_tags ON notes USING gin (tags);
CREATE INDEX notes_title_desc ON notes ("Title" DESC, n);
CREATE INDEX notes_n_desc ON notes (n DESC NULLS LAST) WHERE n > 0;
CREATE INDEX notes_title_pattern ON notes ("Title" text_pattern_ops);
CREATE INDEX notes_hash ON notes USING hash (n);
CREATE VIEW recent AS SELECT id, "Title" FROM notes WHERE id > 10;
CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM notes;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.n := 1; RETURN NEW; END $$;
CREATE TRIGGER notes_touch BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION touch();
CREATE PROCEDURE purge(days int) LANGUAGE sql AS $$ DELETE FROM notes WHERE id < days $$;
CREATE SEQUENCE tickets;
`

func TestIntrospectIndexesAndObjects(t *testing.T) {
	src := openURL(t, newDB(t, objectsScript))
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	notes := schema.Table("notes")
	want := []sluice.Index{
		{Name: "notes_hash", Columns: []string{"n"}, Method: "hash"},
		{Name: "notes_n_desc", Expression: "n DESC NULLS LAST", Where: "n > 0"},
		{Name: "notes_tags", Columns: []string{"tags"}, Method: "gin"},
		{Name: "notes_title_desc", Expression: `"Title" DESC, n`},
		{Name: "notes_title_pattern", Expression: `"Title" text_pattern_ops`},
	}
	if !reflect.DeepEqual(notes.Indexes, want) {
		t.Errorf("indexes:\n got %+v\nwant %+v", notes.Indexes, want)
	}
	type obj struct {
		kind        sluice.ObjectKind
		name, table string
		contains    string
	}
	wantObjs := []obj{
		{sluice.ObjectView, "recent", "", `SELECT notes.id,`},
		{sluice.ObjectMaterializedView, "counts", "", "count(*) AS n"},
		{sluice.ObjectTrigger, "notes_touch", "notes", "BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION touch()"},
		{sluice.ObjectProcedure, "purge(IN days integer)", "", "DELETE FROM notes WHERE id < days"},
		{sluice.ObjectFunction, "touch()", "", "NEW.n := 1"},
		{sluice.ObjectSequence, "tickets", "", ""},
	}
	if len(schema.Objects) != len(wantObjs) {
		t.Fatalf("objects: got %+v, want %d", schema.Objects, len(wantObjs))
	}
	for i, w := range wantObjs {
		o := schema.Objects[i]
		if o.Kind != w.kind || o.Name != w.name || o.Table != w.table || !strings.Contains(o.Definition, w.contains) {
			t.Errorf("object %d: got %+v, want %+v", i, o, w)
		}
	}
}

// PostGIS: a geometry column is a geometry, read as sluice.Geometry with its
// SRID apart; the extension's own views and functions are not the schema's
// objects.
func TestPostGISColumns(t *testing.T) {
	url := sluicetest.NewPostgresDB(t)
	if err := execPostgres(t, url, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostGIS is not installed and CI=true: %v", err)
		}
		t.Skipf("PostGIS is not installed: %v", err)
	}
	sluicetest.ExecPostgres(t, url, `CREATE TABLE places (id int PRIMARY KEY, at geometry(Point,4326), area geography, shape geometry);
		INSERT INTO places VALUES (1, 'SRID=4326;POINT(1 2)', 'POINT(3 4)', 'LINESTRING Z (0 0 1,1 1 2)'), (2, NULL, NULL, NULL);`)
	src := openURL(t, url)
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(schema.Objects) != 0 || len(schema.Tables) != 1 {
		t.Errorf("objects %+v, tables %d: want only the table places (PostGIS's own objects and spatial_ref_sys are not listed)", schema.Objects, len(schema.Tables))
	}
	places := schema.Table("places")
	for _, c := range places.Columns[1:] {
		if c.Type.Kind != sluice.KindGeometry {
			t.Errorf("%s: %+v, want a geometry", c.Name, c.Type)
		}
	}
	if raw := places.Column("at").Type.Raw; raw != "geometry(Point,4326)" {
		t.Errorf("at: raw type %q", raw)
	}
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "places", Columns: []string{"at", "area", "shape"}, Key: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var rows [][]any
	for it.Next() {
		rows = append(rows, it.Values())
	}
	if it.Err() != nil || len(rows) != 2 {
		t.Fatalf("read %d rows: %v", len(rows), it.Err())
	}
	at, _ := rows[0][0].(sluice.Geometry)
	area, _ := rows[0][1].(sluice.Geometry)
	shape, _ := rows[0][2].(sluice.Geometry)
	if at.SRID != 4326 || area.SRID != 4326 || shape.SRID != 0 || len(at.WKB) != 21 || len(shape.WKB) != 57 {
		t.Errorf("row 1: %+v", rows[0])
	}
	if rows[1][0] != nil || rows[1][1] != nil || rows[1][2] != nil {
		t.Errorf("row 2: %+v, want NULLs", rows[1])
	}
}

// execPostgres runs one statement and returns its error instead of failing.
func execPostgres(t *testing.T, url, stmt string) error {
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		return err
	}
	defer conn.Close(t.Context())
	_, err = conn.Exec(t.Context(), stmt)
	return err
}
