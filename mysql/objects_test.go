package mysql_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

const objectsScript = `
CREATE TABLE notes (
  id int PRIMARY KEY,
  title varchar(300) NOT NULL,
  body text,
  place point NOT NULL,
  code varbinary(64),
  FULLTEXT KEY ft_body (title, body),
  SPATIAL KEY sp_place (place),
  KEY ix_title_prefix (title(20), code(8)),
  UNIQUE KEY uq_code (code)
) ENGINE=InnoDB;
CREATE TABLE cache (k int NOT NULL, v int, KEY ix_k (k) USING HASH) ENGINE=MEMORY;
CREATE VIEW recent AS SELECT id, title FROM notes WHERE id > 10;
CREATE TRIGGER notes_bi BEFORE INSERT ON notes FOR EACH ROW SET NEW.title = TRIM(NEW.title);
CREATE PROCEDURE purge_old() DELETE FROM notes WHERE id < 0;
CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 2;
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM cache;
CREATE SEQUENCE ticket_seq;
`

func TestIntrospectIndexesAndObjects(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, objectsScript)
	src := openSource(t, url)
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	notes := schema.Table("notes")
	if notes == nil {
		t.Fatalf("no table notes in %+v", schema.Tables)
	}
	want := []sluice.Index{
		{Name: "ft_body", Columns: []string{"title", "body"}, Method: sluice.IndexFullText},
		{Name: "ix_title_prefix", Columns: []string{"title", "code"}, Prefixes: []int{20, 8}},
		{Name: "sp_place", Columns: []string{"place"}, Method: sluice.IndexSpatial},
		{Name: "uq_code", Columns: []string{"code"}, Unique: true},
	}
	if got := notes.Indexes; !reflect.DeepEqual(got, want) {
		t.Errorf("indexes of notes:\n got %+v\nwant %+v", got, want)
	}
	if c := notes.Column("place"); c == nil || c.Type.Kind != sluice.KindGeometry {
		t.Errorf("place: got %+v, want a geometry", c)
	}
	cache := schema.Table("cache")
	if cache == nil || len(cache.Indexes) != 1 || cache.Indexes[0].Method != "hash" {
		t.Errorf("cache: got %+v, want one hash index", cache)
	}
	if schema.Table("recent") != nil || schema.Table("ticket_seq") != nil {
		t.Errorf("a view or a sequence is listed as a table: %+v", schema.Tables)
	}
	checkObjects(t, schema)
}

func checkObjects(t *testing.T, schema *sluice.Schema) {
	t.Helper()
	type obj struct {
		kind        sluice.ObjectKind
		name, table string
		contains    string
	}
	want := []obj{
		{sluice.ObjectView, "recent", "", "`notes`.`title` AS `title`"},
		{sluice.ObjectTrigger, "notes_bi", "notes", "BEFORE INSERT FOR EACH ROW SET NEW.title = TRIM(NEW.title)"},
		{sluice.ObjectProcedure, "purge_old", "", "DELETE FROM notes WHERE id < 0"},
		{sluice.ObjectFunction, "twice", "", "RETURN x * 2"},
		{sluice.ObjectEvent, "nightly", "", "DELETE FROM cache"},
		{sluice.ObjectSequence, "ticket_seq", "", ""},
	}
	if len(schema.Objects) != len(want) {
		t.Fatalf("objects: got %+v, want %d", schema.Objects, len(want))
	}
	for i, w := range want {
		o := schema.Objects[i]
		if o.Kind != w.kind || o.Name != w.name || o.Table != w.table || !strings.Contains(o.Definition, w.contains) {
			t.Errorf("object %d: got %+v, want %+v", i, o, w)
		}
	}
	if schema.Database == "" {
		t.Error("the schema does not name its database")
	}
}
