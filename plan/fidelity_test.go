package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

// fidelityPlan plans schemas under a config read from YAML: the sources'
// URLs are never opened.
func fidelityPlan(t *testing.T, yaml string, schemas ...*sluice.Schema) (*Plan, error) {
	t.Helper()
	urls := map[string]string{"mysql": "mysql://h/d", "postgres": "postgres://h/d", "sqlite": "sqlite:///d.db"}
	var srcs strings.Builder
	for _, s := range schemas {
		fmt.Fprintf(&srcs, "  %s: {url: %q}\n", s.Source, urls[s.Engine])
	}
	full := "version: 1\nsources:\n" + srcs.String() + "target: {url: \"postgres://h/t\"}\n" + yaml
	cfg, err := config.Parse(strings.NewReader(full), "sluice.yaml")
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, full)
	}
	return Build(cfg, schemas)
}

func mustFidelityPlan(t *testing.T, yaml string, schemas ...*sluice.Schema) *Plan {
	t.Helper()
	p, err := fidelityPlan(t, yaml, schemas...)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}

func def(s string) *string { return &s }

func enumT(kind sluice.Kind, values ...string) sluice.Type {
	return sluice.Type{Kind: kind, Raw: string(kind) + "('" + strings.Join(values, "','") + "')", Values: values}
}

// wards is a MySQL table with every attribute the target carries over.
func wards() *sluice.Schema {
	id := col("WardID", intT("int(11)", 32, false), false)
	id.AutoIncrement = true
	big := col("Counter", intT("bigint(20) unsigned", 64, true), false)
	big.AutoIncrement = true
	kind := col("Kind", enumT(sluice.KindEnum, "day", "night"), false)
	kind.Default = def("'day'")
	tags := col("Tags", enumT(sluice.KindSet, "a", "b"), true)
	beds := col("Beds", intT("int(11)", 32, false), false)
	beds.Default = def("'1'")
	parent := col("ParentID", intT("int(11)", 32, false), true)
	parent.Default, parent.Comment = def("0"), "the ward above"
	note := col("Note", kindT(sluice.KindText, "text"), true)
	note.Comment = "free text"
	return &sluice.Schema{Source: "h", Engine: "mysql", Tables: []sluice.Table{{
		Name: "Wards", PrimaryKey: []string{"WardID"}, Comment: "wards",
		Columns: []sluice.Column{id, big, kind, tags, beds, parent, note},
		Checks: []sluice.Check{
			{Name: "beds_positive", Expr: "`Beds` > 0"},
			{Name: "id_positive", Expr: "`WardID` > 0"},
			{Name: "note_short", Expr: "char_length(`Note`) < 100"},
			{Name: "Wards_ParentID_fkey", Expr: "`ParentID` <> `WardID`"},
		},
		ForeignKeys: []sluice.ForeignKey{{Name: "fk_parent", Columns: []string{"ParentID"}, RefTable: "Wards", RefColumns: []string{"WardID"},
			OnDelete: sluice.SetDefault, OnUpdate: sluice.Cascade}},
	}}}
}

func lossTexts(p *Plan) []string {
	var out []string
	for _, l := range p.Losses {
		out = append(out, l.Source+"."+l.Table+": "+l.What+": "+l.Why)
	}
	return out
}

func hasLoss(t *testing.T, p *Plan, want string) {
	t.Helper()
	if !slices.ContainsFunc(lossTexts(p), func(l string) bool { return strings.Contains(l, want) }) {
		t.Errorf("no loss with %q in:\n%s", want, strings.Join(lossTexts(p), "\n"))
	}
}

func checkNames(tbl *Table) []string {
	var out []string
	for _, ck := range tbl.Checks {
		out = append(out, ck.Name+": "+ck.Expr)
	}
	return out
}

func TestFidelityKeysKeep(t *testing.T) {
	p := mustFidelityPlan(t, "tables:\n  h.Wards:\n    columns:\n      Note: {drop: true}\n", wards())
	w := table(t, p, "h.Wards")
	if c := column(t, w, "ward_id"); !c.AutoIncrement || !c.NotNull || c.SQLDefault != "" {
		t.Errorf("ward_id = %+v, want an identity", c)
	}
	if c := column(t, w, "counter"); c.AutoIncrement {
		t.Errorf("counter (numeric(20,0)) is an identity")
	}
	hasLoss(t, p, "h.Wards: column Counter: numbered by the source (AUTO_INCREMENT): type numeric(20,0) cannot be an identity")
	for name, want := range map[string]string{"kind": "'day'", "beds": "1", "parent_id": "0"} {
		if c := column(t, w, name); c.SQLDefault != want {
			t.Errorf("%s default %q, want %q", name, c.SQLDefault, want)
		}
	}
	want := []string{
		`beds_positive: ("beds" > 0)`,
		`id_positive: ("ward_id" > 0)`,
		`Wards_ParentID_fkey: ("parent_id" <> "ward_id")`,
		`wards_kind_check: "kind" IN ('day', 'night')`,
		`wards_tags_check: "tags" <@ ARRAY['a', 'b']::text[]`,
	}
	if got := checkNames(w); !slices.Equal(got, want) {
		t.Errorf("checks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	hasLoss(t, p, "h.Wards: CHECK note_short (char_length(`Note`) < 100): it reads column Note, which is not migrated")
	if fk := w.ForeignKeys[0]; fk.OnDelete != sluice.SetDefault || fk.OnUpdate != sluice.Cascade {
		t.Errorf("foreign key actions %q %q, want SET DEFAULT and CASCADE (its column's default is kept)", fk.OnDelete, fk.OnUpdate)
	}
	if w.Comment != "wards" {
		t.Errorf("table comment %q", w.Comment)
	}
}

// Under keys: uuid the key is a uuid with a default, the legacy key admits
// NULL (an application row has none), a CHECK on the key reads the legacy
// column, and a foreign key's literal default becomes the uuid of the row
// it names.
func TestFidelityKeysUUID(t *testing.T) {
	p := mustFidelityPlan(t, "defaults: {keys: uuid}\n", wards())
	w := table(t, p, "h.Wards")
	id, legacy := column(t, w, "ward_id"), column(t, w, "legacy_id")
	if id.SQLDefault != "gen_random_uuid()" || id.AutoIncrement || legacy.NotNull || legacy.AutoIncrement {
		t.Errorf("key %+v, legacy %+v: want a uuid with a default and a nullable legacy key", id, legacy)
	}
	if c, p := column(t, w, "note"), column(t, w, "parent_id"); c.Comment != "free text" || p.Comment != "the ward above" {
		t.Errorf("comments %q and %q, want them on the value and on the reference that became a uuid", c.Comment, p.Comment)
	}
	ref, _ := sluice.KeyUUID(sluice.DefaultNamespace, "h", "Wards", []any{int64(0)})
	if c := column(t, w, "parent_id"); c.SQLDefault != "'"+ref.String()+"'" {
		t.Errorf("parent_id default %q, want the uuid of ward 0 %s", c.SQLDefault, ref)
	}
	if got := checkNames(w)[1]; got != `id_positive: ("legacy_id" > 0)` {
		t.Errorf("the CHECK on the key is %s, want it on the legacy key", got)
	}
	hasLoss(t, p, "CHECK Wards_ParentID_fkey (`ParentID` <> `WardID`): it reads column ParentID, which holds the referenced row's uuid in the target")
}

func TestFidelityEnums(t *testing.T) {
	p := mustFidelityPlan(t, "defaults: {enums: type}\ntables:\n  h.Wards:\n    columns:\n      Tags: {enum: text}\n", wards())
	w := table(t, p, "h.Wards")
	kind := column(t, w, "kind")
	if kind.Type != `"public"."wards_kind"` || kind.EnumType != "wards_kind" || kind.SQLDefault != "'day'" {
		t.Errorf("kind = %+v, want the enum type public.wards_kind", kind)
	}
	if fmt.Sprint(w.EnumTypes) != "[{wards_kind [day night]}]" {
		t.Errorf("enum types %v", w.EnumTypes)
	}
	hasLoss(t, p, "column Tags: set('a','b'): enums: text; the target accepts any text in it")
	if slices.ContainsFunc(w.Checks, func(c Check) bool { return strings.HasPrefix(c.Name, "wards_") }) {
		t.Errorf("checks %v: an enum type and a SET under enum: text need none", checkNames(w))
	}
	_, err := fidelityPlan(t, "tables:\n  h.Wards:\n    columns:\n      Beds: {enum: check}\n      Tags: {enum: type}\n", wards())
	var errs config.Errors
	if !errors.As(err, &errs) || len(errs) != 2 ||
		!strings.Contains(err.Error(), "sluice.yaml:8: tables.h.Wards.columns.Beds.enum: column Beds is not an ENUM or SET (it is int(11))") ||
		!strings.Contains(err.Error(), "sluice.yaml:9: tables.h.Wards.columns.Tags.enum: column Tags is a SET; a SET cannot become an enum type") {
		t.Errorf("enum rules on the wrong columns: %v", err)
	}
	// A type of its own overrides the enum type: the members are checked.
	p = mustFidelityPlan(t, "defaults: {enums: type}\ntables:\n  h.Wards:\n    columns:\n      Kind: {type: \"varchar(10)\"}\n", wards())
	if got := checkNames(table(t, p, "h.Wards")); !slices.Contains(got, `wards_kind_check: "kind" IN ('day', 'night')`) {
		t.Errorf("checks %v, want the members of kind checked", got)
	}
}

func TestFidelityForeignKeyActions(t *testing.T) {
	s := wards()
	s.Tables[0].Columns[5].Default = def("(1 + 1)") // no plain literal for a uuid
	p := mustFidelityPlan(t, "defaults: {keys: uuid}\n", s)
	fk := table(t, p, "h.Wards").ForeignKeys[0]
	if fk.OnDelete != sluice.NoAction || fk.OnUpdate != sluice.Cascade {
		t.Errorf("actions %q %q, want NO ACTION for the lost SET DEFAULT and CASCADE kept", fk.OnDelete, fk.OnUpdate)
	}
	hasLoss(t, p, "foreign key (parent_id) -> wards: ON DELETE SET DEFAULT ON UPDATE CASCADE: column parent_id has no default in the target, so SET DEFAULT would set NULL")
	want := `ALTER TABLE "s"."wards" ADD CONSTRAINT "wards_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "s"."wards" ("ward_id") ON UPDATE CASCADE NOT VALID;`
	if got := AddForeignKeys("s", p); len(got) != 1 || got[0] != want {
		t.Errorf("foreign keys:\n%v\nwant\n%s", got, want)
	}
}

// The parts of a merged table agree on one DDL: defaults given alike, the
// CHECKs every part declares, the ENUM members of every part, the foreign
// key actions they share; the rest is a loss.
func TestFidelityMerged(t *testing.T) {
	east := &sluice.Schema{Source: "east", Engine: "mysql", Tables: []sluice.Table{mergedPart("day", "night")}}
	west := &sluice.Schema{Source: "west", Engine: "mysql", Tables: []sluice.Table{mergedPart("day", "icu")}}
	west.Tables[0].Columns[2].Default = def("'2'")
	west.Tables[0].Checks = west.Tables[0].Checks[:1]
	west.Tables[0].ForeignKeys[0].OnDelete = sluice.Cascade
	p := mustFidelityPlan(t, "tables:\n  wards: {from: [east.Wards, west.Wards]}\n", east, west)
	e, w := table(t, p, "east.Wards"), table(t, p, "west.Wards")
	if !slices.Equal(checkNames(e), checkNames(w)) || fmt.Sprint(e.ForeignKeys) != fmt.Sprint(w.ForeignKeys) {
		t.Fatalf("the parts differ: %v %v / %v %v", checkNames(e), e.ForeignKeys, checkNames(w), w.ForeignKeys)
	}
	want := []string{`beds_positive: ("beds" > 0)`, `wards_kind_check: "kind" IN ('day', 'night', 'icu')`}
	if got := checkNames(e); !slices.Equal(got, want) {
		t.Errorf("checks %v, want %v", got, want)
	}
	hasLoss(t, p, "east.Wards: CHECK beds_small: not every source of the merged table wards declares it")
	if c := column(t, e, "kind"); c.SQLDefault != "'day'" {
		t.Errorf("kind default %q, want the default both give", c.SQLDefault)
	}
	if c := column(t, e, "beds"); c.SQLDefault != "" {
		t.Errorf("beds default %q, want none: the parts differ", c.SQLDefault)
	}
	hasLoss(t, p, "merged table wards column beds: default: its sources' defaults differ (east.Wards: 1; west.Wards: 2)")
	if fk := e.ForeignKeys[0]; fk.OnDelete != sluice.NoAction || fk.OnUpdate != sluice.Restrict {
		t.Errorf("actions %q %q, want NO ACTION where the parts differ and RESTRICT where they agree", fk.OnDelete, fk.OnUpdate)
	}
	hasLoss(t, p, "west.Wards: foreign key (parent_id) -> wards: ON DELETE CASCADE ON UPDATE RESTRICT: another source of the merged table wards declares it with ON UPDATE RESTRICT")
	if c := column(t, e, "id"); c.AutoIncrement || c.SQLDefault != "gen_random_uuid()" {
		t.Errorf("the merged key %+v, want a uuid with a default", c)
	}
	hasLoss(t, p, "the merged table wards takes rows from several sources, whose numbers collide")
}

func mergedPart(kinds ...string) sluice.Table {
	id := col("WardID", intT("int(11)", 32, false), false)
	id.AutoIncrement = true
	no := col("No", intT("int(11)", 32, false), false)
	no.AutoIncrement = true
	beds := col("Beds", intT("int(11)", 32, false), false)
	beds.Default = def("1")
	kind := col("Kind", enumT(sluice.KindEnum, kinds...), false)
	kind.Default = def("'day'")
	return sluice.Table{
		Name: "Wards", PrimaryKey: []string{"WardID"},
		Columns: []sluice.Column{id, no, beds, kind, col("ParentID", intT("int(11)", 32, false), true)},
		Checks:  []sluice.Check{{Name: "beds_positive", Expr: "`Beds` > 0"}, {Name: "beds_small", Expr: "`Beds` < 100"}},
		ForeignKeys: []sluice.ForeignKey{{Name: "fk", Columns: []string{"ParentID"}, RefTable: "Wards", RefColumns: []string{"WardID"},
			OnUpdate: sluice.Restrict}},
	}
}

// Other engines: a PostgreSQL serial and a SQLite INTEGER PRIMARY KEY
// become identities; a PostgreSQL enum is checked like a MySQL ENUM; an
// engine without a dialect translates nothing and says so.
func TestFidelityEngines(t *testing.T) {
	serial := col("id", intT("integer", 32, false), false)
	serial.AutoIncrement = true
	mood := col("m", sluice.Type{Kind: sluice.KindEnum, Raw: "mood", Values: []string{"sad", "ok"}}, true)
	mood.Default = def("'ok'::mood")
	pg := &sluice.Schema{Source: "pg", Engine: "postgres", Tables: []sluice.Table{{Name: "t", PrimaryKey: []string{"id"},
		Columns: []sluice.Column{serial, mood}, Checks: []sluice.Check{{Name: "m_not_sad", Expr: "(m <> 'sad'::mood)"}}}}}
	rowid := col("Id", intT("INTEGER", 64, false), false)
	rowid.AutoIncrement = true
	lite := &sluice.Schema{Source: "lite", Engine: "sqlite", Tables: []sluice.Table{{Name: "U", PrimaryKey: []string{"Id"},
		Columns: []sluice.Column{rowid}, Checks: []sluice.Check{{Name: "U_check", Expr: "Id > 0"}}}}}
	p := mustFidelityPlan(t, "", pg, lite)
	pt := table(t, p, "pg.t")
	if c := column(t, pt, "id"); !c.AutoIncrement || c.Type != "integer" {
		t.Errorf("serial id = %+v, want an integer identity", c)
	}
	if c := column(t, pt, "m"); c.SQLDefault != "'ok'" || c.Type != "text" {
		t.Errorf("enum m = %+v, want text with default 'ok'", c)
	}
	if got := checkNames(pt); !slices.Equal(got, []string{`m_not_sad: ("m" <> 'sad')`, `t_m_check: "m" IN ('sad', 'ok')`}) {
		t.Errorf("checks %v", got)
	}
	lt := table(t, p, "lite.U")
	if c := column(t, lt, "id"); !c.AutoIncrement || c.Type != "bigint" {
		t.Errorf("INTEGER PRIMARY KEY = %+v, want a bigint identity", c)
	}
	if got := checkNames(lt); !slices.Equal(got, []string{`U_check: ("id" > 0)`}) {
		t.Errorf("checks %v", got)
	}
	if len(p.Losses) != 0 {
		t.Errorf("losses %v, want none", lossTexts(p))
	}
}

// A check's name never collides with another constraint of its table, and
// fits PostgreSQL's 63 bytes.
func TestCheckNames(t *testing.T) {
	tbl := &Table{Name: "t", PrimaryKey: []string{"id"}, Indexes: []Index{{Name: "t_a_key", Unique: true}},
		ForeignKeys: []ForeignKey{{Name: "t_b_fkey"}},
		Checks:      []Check{{Name: "t_pkey"}, {Name: "t_a_key"}, {Name: "t_b_fkey"}, {Name: "t_check"}, {Name: "t_check"}, {Name: strings.Repeat("x", 70)}}}
	nameChecks(tbl)
	var got []string
	for _, ck := range tbl.Checks {
		got = append(got, ck.Name)
	}
	want := []string{"t_pkey2", "t_a_key2", "t_b_fkey2", "t_check", "t_check2", Shorten(strings.Repeat("x", 70))}
	if !slices.Equal(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
}

// A MySQL zero date default is lost, unless zero_dates: null makes zero
// dates NULL, which no default gives too.
func TestZeroDateDefault(t *testing.T) {
	at := col("At", kindT(sluice.KindTimestamp, "datetime"), false)
	at.Default = def("'0000-00-00 00:00:00'")
	s := &sluice.Schema{Source: "h", Engine: "mysql", Tables: []sluice.Table{{Name: "T", Columns: []sluice.Column{at}}}}
	hasLoss(t, mustFidelityPlan(t, "", s), "column At: default '0000-00-00 00:00:00': '0000-00-00 00:00:00' is not a timestamp PostgreSQL can hold")
	if p := mustFidelityPlan(t, "defaults: {zero_dates: \"null\"}\n", s); len(p.Losses) != 0 || column(t, table(t, p, "h.T"), "at").SQLDefault != "" {
		t.Errorf("under zero_dates: null: losses %v", lossTexts(p))
	}
}

// An application row gets a uuid by default, except in a subtype table,
// whose key is its root row's (patient -> person): the application gives it.
func TestSubtypeKeyHasNoDefault(t *testing.T) {
	p := emrPlan(t)
	if c := column(t, table(t, p, "emr.person"), "person_id"); c.SQLDefault != "gen_random_uuid()" {
		t.Errorf("person_id default %q, want gen_random_uuid()", c.SQLDefault)
	}
	if c := column(t, table(t, p, "emr.patient"), "patient_id"); c.IdentityTable == "" || c.SQLDefault != "" {
		t.Errorf("patient_id = %+v, want the root's identity and no default", c)
	}
}
