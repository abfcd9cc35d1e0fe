package plan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// objectsSchemas: a MySQL source with every kind of index and object, a
// PostgreSQL source with expression and partial indexes and a view, and a
// SQLite source with a view.
func objectsSchemas() []*sluice.Schema {
	shop := &sluice.Schema{Source: "shop", Engine: "mysql", Database: "shop", Tables: []sluice.Table{{
		Name: "Notes", PrimaryKey: []string{"NoteID"},
		Columns: []sluice.Column{
			col("NoteID", intT("int", 32, false), false), col("Title", strT("varchar(300)", 300), false),
			col("Body", kindT(sluice.KindText, "text"), true), col("Place", kindT(sluice.KindGeometry, "point"), false),
			col("Code", sluice.Type{Kind: sluice.KindBytes, Raw: "varbinary(64)", Length: 64}, true),
			col("Short", strT("varchar(40)", 40), true), col("Qty", intT("int", 32, false), true),
		},
		Indexes: []sluice.Index{
			{Name: "ft_body", Columns: []string{"Title", "Body"}, Method: sluice.IndexFullText},
			{Name: "sp_place", Columns: []string{"Place"}, Method: sluice.IndexSpatial},
			{Name: "ix_title", Columns: []string{"Title", "Short"}, Prefixes: []int{20, 10}},
			{Name: "uq_code", Columns: []string{"Code"}, Prefixes: []int{8}, Unique: true},
			{Name: "ix_qty", Columns: []string{"Qty"}, Method: "hash"},
			{Name: "ix_lower", Expression: "(lower(`Title`))"},
			{Name: "ix_old", Columns: []string{"Short"}},
			{Name: "ix_redo", Columns: []string{"Qty"}},
		},
	}}, Objects: []sluice.Object{
		{Kind: sluice.ObjectView, Name: "RecentNotes", Definition: "select `n`.`NoteID` AS `NoteID`,`n`.`Title` AS `Heading`,ifnull(`n`.`Qty`,0) * 2 AS `DoubleQty` from `shop`.`Notes` `n` where (`n`.`NoteID` > 10 and `n`.`Short` like 'a\\_%') order by `n`.`Title`"},
		{Kind: sluice.ObjectView, Name: "Joined", Definition: "select concat(`shop`.`Notes`.`Title`,'!') AS `t` from `shop`.`Notes`"},
		{Kind: sluice.ObjectTrigger, Name: "notes_bi", Table: "Notes", Definition: "BEFORE INSERT FOR EACH ROW SET NEW.Title = TRIM(NEW.Title)"},
		{Kind: sluice.ObjectProcedure, Name: "purge_old"}, {Kind: sluice.ObjectFunction, Name: "twice"},
		{Kind: sluice.ObjectEvent, Name: "nightly"}, {Kind: sluice.ObjectSequence, Name: "ticket_seq"},
	}}
	billing := &sluice.Schema{Source: "billing", Engine: "postgres", Database: "public", Tables: []sluice.Table{{
		Name: "Invoices", PrimaryKey: []string{"id"},
		Columns: []sluice.Column{
			col("id", sluice.Type{Kind: sluice.KindInt, Raw: "integer", Bits: 32}, false),
			col("CustomerEmail", sluice.Type{Kind: sluice.KindText, Raw: "text"}, true),
			col("total", sluice.Type{Kind: sluice.KindDecimal, Raw: "numeric(10,2)", Precision: 10, Scale: 2}, true),
			col("area", sluice.Type{Kind: sluice.KindGeometry, Raw: "geometry(Polygon,4326)"}, true),
		},
		Indexes: []sluice.Index{
			{Name: "inv_email", Expression: `lower("CustomerEmail") text_pattern_ops`},
			{Name: "inv_open", Columns: []string{"total"}, Where: `total > 0::numeric AND "CustomerEmail" IS NOT NULL`},
			{Name: "inv_area", Columns: []string{"area"}, Method: "gist"},
		},
	}}, Objects: []sluice.Object{
		{Kind: sluice.ObjectView, Name: "big_invoices", Definition: " SELECT i.id,\n    i.\"CustomerEmail\",\n    i.total::double precision AS approx\n   FROM \"Invoices\" i\n  WHERE i.total > 100::numeric;"},
		{Kind: sluice.ObjectMaterializedView, Name: "totals", Definition: "SELECT sum(total) FROM \"Invoices\""},
	}}
	notes := &sluice.Schema{Source: "notes", Engine: "sqlite", Tables: []sluice.Table{{
		Name: "Memo", PrimaryKey: []string{"MemoId"},
		Columns: []sluice.Column{col("MemoId", intT("INTEGER", 64, false), false), col("MemoText", kindT(sluice.KindText, "TEXT"), true)},
		Indexes: []sluice.Index{{Name: "memo_lower", Expression: "lower(MemoText)"}, {Name: "memo_part", Columns: []string{"MemoText"}, Where: "MemoId > 5"}},
	}}, Objects: []sluice.Object{
		{Kind: sluice.ObjectView, Name: "LongMemos", Definition: `CREATE VIEW LongMemos AS SELECT * FROM Memo WHERE length(MemoText) > 100`},
		{Kind: sluice.ObjectView, Name: "Odd", Definition: `CREATE VIEW Odd AS SELECT MemoId FROM Memo UNION SELECT 1`},
	}}
	return []*sluice.Schema{shop, billing, notes}
}

func objectsConfig(spatial string) *config.Config {
	yes := true
	return &config.Config{File: "objects.yaml", Version: 1,
		Sources:  []config.Source{{Name: "shop", URL: "mysql://h/shop"}, {Name: "billing", URL: "postgres://h/b"}, {Name: "notes", URL: "sqlite:n.db"}},
		Target:   config.Target{Name: "target", URL: "postgres://h/t", Schema: "app"},
		Targets:  []config.Target{{Name: "target", URL: "postgres://h/t", Schema: "app"}},
		Defaults: config.Defaults{Naming: config.NamingSnake, Keys: config.KeysKeep, Spatial: spatial, TextSearch: "english"},
		Tables: []config.TableRule{{Source: "shop", Table: "Notes", Line: 10, Indexes: []config.IndexRule{
			{Name: "ix_old", Line: 11, Drop: true},
			{Name: "ix_redo", Line: 12, Columns: []string{"qty", "short"}, Unique: &yes},
			{Name: "notes_title_trgm", Line: 13, Expression: "lower(title) text_pattern_ops", Where: "qty > 0"},
		}}},
	}
}

func TestGoldenObjects(t *testing.T) {
	for _, spatial := range []string{config.SpatialPostGIS, config.SpatialWKT} {
		p, err := Build(objectsConfig(spatial), objectsSchemas())
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		var buf bytes.Buffer
		if err := p.Render(&buf); err != nil {
			t.Fatal(err)
		}
		golden(t, "objects_"+spatial+".plan.golden", buf.Bytes())
	}
}

// Every object that is not created is a loss and a warning: none is gone
// without a word.
func TestEveryObjectAccountedFor(t *testing.T) {
	p, err := Build(objectsConfig(config.SpatialPostGIS), objectsSchemas())
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]bool{}
	for _, v := range p.Views {
		created[v.Source+"."+v.Name] = true
	}
	for _, s := range objectsSchemas() {
		for _, o := range s.Objects {
			if created[s.Source+"."+o.Name] {
				continue
			}
			if !lostObject(p, s.Source, string(o.Kind)+" "+o.Name) || !warnedAbout(p, string(o.Kind)+" "+o.Name) {
				t.Errorf("%s %s of %s: no loss and warning", o.Kind, o.Name, s.Source)
			}
		}
	}
	if len(p.Views) != 3 {
		t.Errorf("views created: %+v, want RecentNotes, big_invoices and LongMemos", p.Views)
	}
}

func lostObject(p *Plan, source, what string) bool {
	for _, l := range p.Losses {
		if l.Source == source && strings.HasPrefix(l.What, what) {
			return true
		}
	}
	return false
}

func warnedAbout(p *Plan, what string) bool {
	for _, w := range p.Warnings {
		if strings.Contains(w.Message, what) {
			return true
		}
	}
	return false
}

func TestIndexRuleErrors(t *testing.T) {
	c := objectsConfig(config.SpatialPostGIS)
	c.Tables[0].Indexes = []config.IndexRule{
		{Name: "ix_gone", Line: 11, Drop: true},
		{Name: "ix_vague", Line: 12, Unique: new(bool)},
		{Name: "ix_title", Line: 13, Method: "hash"},
		{Name: "ix_cols", Line: 14, Columns: []string{"Title", "nope"}},
	}
	_, err := Build(c, objectsSchemas())
	want := strings.Join([]string{
		`objects.yaml:11: tables.shop.Notes.indexes.ix_gone: no index "ix_gone" on source table Notes (its indexes: ft_body, sp_place, ix_title, uq_code, ix_qty, ix_lower, ix_old, ix_redo); a new index needs columns or expression`,
		`objects.yaml:12: tables.shop.Notes.indexes.ix_vague: no index "ix_vague" on source table Notes (its indexes: ft_body, sp_place, ix_title, uq_code, ix_qty, ix_lower, ix_old, ix_redo); a new index needs columns or expression`,
		`objects.yaml:13: tables.shop.Notes.indexes.ix_title: give columns or expression to redefine the index, or drop: true`,
		`objects.yaml:14: tables.shop.Notes.indexes.ix_cols.columns: no column "Title" in target table notes (its columns: note_id, title, body, place, code, short, qty)`,
		`objects.yaml:14: tables.shop.Notes.indexes.ix_cols.columns: no column "nope" in target table notes (its columns: note_id, title, body, place, code, short, qty)`,
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}
