package plan

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
)

func mergePlan(t *testing.T) *Plan {
	t.Helper()
	p, err := Build(mergeConfig(), mergeSchemas())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}

// shape is what the parts of a merged table must share.
func columnShape(tbl *Table) []string {
	var s []string
	for _, c := range tbl.Columns {
		s = append(s, targetType(c)+" "+c.Name)
	}
	return s
}

func TestMergedTableColumns(t *testing.T) {
	p := mergePlan(t)
	east, west := table(t, p, "east.Patients"), table(t, p, "west.Patient")
	if !slices.Equal(columnShape(east), columnShape(west)) {
		t.Fatalf("the parts' columns differ:\n%v\n%v", columnShape(east), columnShape(west))
	}
	want := []string{"id", "legacy_id", "source", "mrn", "first_name", "last_name", "sex", "age", "phone", "balance", "updated_at",
		"legacy", "doctor_id", "tags", "num_rooms", "full_name", "gender", "fax", HashColumn}
	if got := columnNamesOf(east); !slices.Equal(got, want) {
		t.Errorf("columns = %v\nwant      %v", got, want)
	}
	if east.Merged == nil || east.Merged != west.Merged {
		t.Fatalf("the parts do not share their Merged: %p %p", east.Merged, west.Merged)
	}
	wantMerged := Merged{Table: "patients", Parts: []string{"east.Patients", "west.Patient"}, MatchOn: []string{"mrn"},
		Conflict: config.ConflictPrefer, Prefer: []string{"west", "east"}, SourceColumn: "source", LegacyColumn: "legacy_id"}
	if !reflect.DeepEqual(*east.Merged, wantMerged) {
		t.Errorf("merged = %+v\nwant     %+v", *east.Merged, wantMerged)
	}
	checkPlanned(t, east, map[string]Column{
		"id":         {Name: "id", Type: "uuid", NotNull: true, Role: RoleMatchUUID, KeyColumns: []string{"mrn"}, SQLDefault: "gen_random_uuid()"},
		"legacy_id":  {Name: "legacy_id", Type: "text", Role: RoleLegacyKey, KeyColumns: []string{"PatientID"}, SourceType: intT("int(11)", 32, false)},
		"source":     {Name: "source", Type: "text", Role: RoleSource},
		"age":        {Name: "age", Type: "bigint", Role: RoleValue, Source: "Age", SourceType: intT("tinyint(3) unsigned", 8, true), ZeroDates: config.ZeroDatesReject},
		"fax":        {Name: "fax", Type: "text", Role: RoleFill},
		"first_name": {Name: "first_name", Type: "varchar(60)", NotNull: true, Role: RoleValue, Source: "FirstName", SourceType: strT("varchar(50)", 50), ZeroDates: config.ZeroDatesReject},
		HashColumn:   {Name: HashColumn, Type: "bytea", Role: RoleRowHash},
	})
	checkPlanned(t, west, map[string]Column{
		"phone":     {Name: "phone", Type: "varchar(30)", Role: RoleFill, Default: strp("n/a")},
		"last_name": {Name: "last_name", Type: "varchar(50)", Role: RoleValue, Source: "last_name", SourceType: strT("VARCHAR(40)", 40), ZeroDates: config.ZeroDatesReject},
		"full_name": {Name: "full_name", Type: "text", Role: RoleComputed, Expr: `first_name + " " + (last_name ?? "")`},
	})
	for _, tbl := range []*Table{east, west} {
		if tbl.Name != "patients" || tbl.Keys != config.KeysUUID || tbl.Strategy != config.StrategyMerge || !tbl.DeleteMissing ||
			tbl.Database != "clinical" || tbl.Schema != "public" || !slices.Equal(tbl.PrimaryKey, []string{"id"}) {
			t.Errorf("%s: name %s, keys %s, strategy %s, delete missing %v, database %s.%s, primary key %v",
				tbl.ID, tbl.Name, tbl.Keys, tbl.Strategy, tbl.DeleteMissing, tbl.Database, tbl.Schema, tbl.PrimaryKey)
		}
	}
	// The key's own column is the legacy key now; the computed columns'
	// variables are read; the dropped column is not.
	if want := []string{"PatientID", "MRN", "FirstName", "LastName", "Sex", "Age", "Phone", "Balance", "UpdatedAt", "Legacy", "DoctorID", "Tags", "NumRooms"}; !slices.Equal(east.ReadColumns, want) {
		t.Errorf("read columns = %v\nwant           %v", east.ReadColumns, want)
	}
}

func checkPlanned(t *testing.T, tbl *Table, want map[string]Column) {
	t.Helper()
	for name, w := range want {
		if got := column(t, tbl, name); !reflect.DeepEqual(got, w) {
			t.Errorf("%s.%s = %+v\nwant %+v", tbl.ID, name, got, w)
		}
	}
}

// Without match_on each source row is its own row, identified by its own key.
func TestMergedWithoutMatch(t *testing.T) {
	p := mergePlan(t)
	for id, key := range map[string]string{"east.Doctors": "DoctorID", "west.Doctor": "ID"} {
		tbl := table(t, p, id)
		if c := column(t, tbl, "id"); c.Role != RoleRowUUID || !slices.Equal(c.KeyColumns, []string{key}) {
			t.Errorf("%s id = %+v", id, c)
		}
		if tbl.DeleteMissing || tbl.Merged.Conflict != config.ConflictPrefer || !slices.Equal(tbl.Merged.Prefer, []string{"east", "west"}) {
			t.Errorf("%s: delete missing %v, merged %+v", id, tbl.DeleteMissing, tbl.Merged)
		}
	}
}

func TestMergedIndexes(t *testing.T) {
	p := mergePlan(t)
	want := []Index{
		{Name: "patients_source_legacy_id_key", Columns: []string{"source", "legacy_id"}, Unique: true},
		{Name: "patients_last_name_idx", Columns: []string{"last_name"}, Source: "ix_last"},
	}
	for _, id := range []string{"east.Patients", "west.Patient"} {
		if got := table(t, p, id).Indexes; !reflect.DeepEqual(got, want) {
			t.Errorf("%s indexes = %+v\nwant %+v", id, got, want)
		}
	}
	warn := Warning{Table: "east.Patients", Message: "unique index (mrn) is left out of the merged table patients: values unique in one source can repeat across sources"}
	if !slices.Contains(p.Warnings, warn) {
		t.Errorf("warnings %+v lack %+v", p.Warnings, warn)
	}
}

func TestMergedReferences(t *testing.T) {
	p := mergePlan(t)
	visits := table(t, p, "east.Visits")
	ref := column(t, visits, "patient_id")
	if ref.Role != RoleRefUUID || !ref.ResolveMatch || ref.RefSource != "east" || ref.RefTable != "Patients" {
		t.Errorf("visits.patient_id = %+v: a reference to a matched table resolves the match", ref)
	}
	if !slices.Equal(visits.DependsOn, []string{"east.Patients", "west.Patient"}) {
		t.Errorf("visits depends on %v, want every part of patients", visits.DependsOn)
	}
	wantFK := []ForeignKey{{Name: "visits_patient_id_fkey", Columns: []string{"patient_id"}, RefTable: "patients", RefColumns: []string{"id"}}}
	if !reflect.DeepEqual(visits.ForeignKeys, wantFK) {
		t.Errorf("visits foreign keys = %+v", visits.ForeignKeys)
	}
	// Each part references its own source's doctors, which merge into one
	// table: one constraint.
	east, west := table(t, p, "east.Patients"), table(t, p, "west.Patient")
	if d := column(t, west, "doctor_id"); d.RefSource != "west" || d.RefTable != "Doctor" || d.ResolveMatch {
		t.Errorf("west doctor_id = %+v", d)
	}
	wantFK = []ForeignKey{{Name: "patients_doctor_id_fkey", Columns: []string{"doctor_id"}, RefTable: "doctors", RefColumns: []string{"id"}}}
	if !reflect.DeepEqual(east.ForeignKeys, wantFK) || !reflect.DeepEqual(west.ForeignKeys, wantFK) {
		t.Errorf("foreign keys: east %+v, west %+v", east.ForeignKeys, west.ForeignKeys)
	}
	clinical := p.ForDatabase("clinical")
	if n := countContaining(AddForeignKeys(clinical.Schema, clinical), `"patients_doctor_id_fkey"`); n != 1 {
		t.Errorf("the merged foreign key is added %d times", n)
	}
	if n := countContaining(ValidateForeignKeys(clinical.Schema, clinical), `"patients_doctor_id_fkey"`); n != 1 {
		t.Errorf("the merged foreign key is validated %d times", n)
	}
}

func countContaining(stmts []string, s string) int {
	n := 0
	for _, st := range stmts {
		if strings.Contains(st, s) {
			n++
		}
	}
	return n
}

func TestDriftReport(t *testing.T) {
	p := mergePlan(t)
	if len(p.Drift) != 2 || p.Drift[0].Table != "patients" || p.Drift[1].Table != "doctors" {
		t.Fatalf("drift = %+v, want patients then doctors (merge rule order)", p.Drift)
	}
	d := p.Drift[0]
	wantMissing := []MissingDrift{
		{Column: "fax", Source: "east.Patients"},
		{Column: "sex", Source: "west.Patient"},
		{Column: "phone", Source: "west.Patient", Fill: strp("n/a")},
		{Column: "legacy", Source: "west.Patient"},
		{Column: "tags", Source: "west.Patient"},
		{Column: "num_rooms", Source: "west.Patient"},
		{Column: "gender", Source: "west.Patient"},
	}
	if !reflect.DeepEqual(d.Missing, wantMissing) {
		t.Errorf("missing = %+v\nwant %+v", d.Missing, wantMissing)
	}
	wantType := TypeDrift{Column: "age", Types: map[string]string{"east.Patients": "smallint", "west.Patient": "bigint"}, Resolved: "bigint", Why: "widest integer"}
	if i := slices.IndexFunc(d.Types, func(td TypeDrift) bool { return td.Column == "age" }); i < 0 || !reflect.DeepEqual(d.Types[i], wantType) {
		t.Errorf("types = %+v, want among them %+v", d.Types, wantType)
	}
	if slices.ContainsFunc(d.Types, func(td TypeDrift) bool { return td.Column == "doctor_id" || td.Column == "fax" }) {
		t.Errorf("types = %+v: a column of one type is no drift", d.Types)
	}
	wantUnused := []UnusedDrift{{Source: "east.Patients", Column: "Notes"}, {Source: "west.Patient", Column: "photo"}}
	if !reflect.DeepEqual(d.Unused, wantUnused) || d.Database != "clinical" {
		t.Errorf("unused = %+v in %s, want %+v", d.Unused, d.Database, wantUnused)
	}
}

func TestLoadOrderMerged(t *testing.T) {
	want := []string{"east.Doctors", "west.Doctor", "east.Invoices", "east.Patients", "west.Patient",
		"east.Patients#rooms", "east.Patients#patient_tags", "east.Visits"}
	if got := planIDs(mergePlan(t)); !slices.Equal(got, want) {
		t.Errorf("order = %v\nwant    %v", got, want)
	}
}

func TestSeveralDatabases(t *testing.T) {
	p := mergePlan(t)
	want := []Database{{Name: "clinical", Schema: "public"}, {Name: "billing", Schema: "finance"}}
	if !reflect.DeepEqual(p.Databases, want) || p.Schema != "public" {
		t.Errorf("databases %+v, schema %s", p.Databases, p.Schema)
	}
	inv := table(t, p, "east.Invoices")
	if inv.Database != "billing" || inv.Schema != "finance" || inv.Strategy != config.StrategyAppend || !inv.DeleteMissing {
		t.Errorf("invoices: %s.%s, strategy %s, delete missing %v", inv.Database, inv.Schema, inv.Strategy, inv.DeleteMissing)
	}
	wantFK := []ForeignKey{{Name: "invoices_doctor_id_fkey", Columns: []string{"doctor_id"}, RefTable: "doctors", RefColumns: []string{"id"}, RefDatabase: "clinical"}}
	if !reflect.DeepEqual(inv.ForeignKeys, wantFK) {
		t.Errorf("invoices foreign keys = %+v", inv.ForeignKeys)
	}
	billing := p.ForDatabase("billing")
	if billing.Schema != "finance" || !slices.Equal(planIDs(billing), []string{"east.Invoices"}) || len(billing.Drift) != 0 ||
		billing.Namespace != p.Namespace || len(billing.Warnings) != len(p.Warnings) || !reflect.DeepEqual(billing.Databases, want[1:]) {
		t.Errorf("billing plan = %+v", billing)
	}
	// A reference to another database is checked, not a constraint.
	for name, stmts := range map[string][]string{
		"add": AddForeignKeys("finance", billing), "validate": ValidateForeignKeys("finance", billing), "drop": DropForeignKeys("finance", billing),
	} {
		if len(stmts) != 0 {
			t.Errorf("%s foreign keys of billing = %v", name, stmts)
		}
	}
	clinical := p.ForDatabase("clinical")
	if len(clinical.Tables) != 7 || len(clinical.Drift) != 2 || clinical.Schema != "public" {
		t.Errorf("clinical: %v, drift %d, schema %s", planIDs(clinical), len(clinical.Drift), clinical.Schema)
	}
}

// A config without targets: has its one target database.
func TestOneDatabase(t *testing.T) {
	p := buildVariant(t, uuidDefaults())
	if want := []Database{{Name: config.DefaultTargetName, Schema: "legacy"}}; !reflect.DeepEqual(p.Databases, want) {
		t.Errorf("databases = %+v, want %+v", p.Databases, want)
	}
	for _, tbl := range p.Tables {
		if tbl.Database != config.DefaultTargetName || tbl.Schema != "legacy" || tbl.Strategy != config.StrategyCreate || tbl.DeleteMissing {
			t.Errorf("%s: %s.%s, strategy %s, delete missing %v", tbl.ID, tbl.Database, tbl.Schema, tbl.Strategy, tbl.DeleteMissing)
		}
		if slices.ContainsFunc(tbl.Columns, func(c Column) bool { return c.Role == RoleRowHash }) {
			t.Errorf("%s has a row hash under strategy create", tbl.ID)
		}
	}
	if q := p.ForDatabase(config.DefaultTargetName); !slices.Equal(planIDs(q), planIDs(p)) || q.Schema != p.Schema {
		t.Errorf("the one database's plan differs: %v in %s", planIDs(q), q.Schema)
	}
}

// The first part rule naming a database places a merged table whose own
// rule names none; keys: keep on a part is overridden, with a warning.
func TestMergedPartRules(t *testing.T) {
	cfg := mergeConfigWith(func(c *config.Config) {
		r := rule(c, "east.Patients")
		r.Database, r.Keys, r.DeleteMissing = "billing", config.KeysKeep, boolp(false)
		rule(c, "east.Visits").Database = "billing"
	})
	p, err := Build(cfg, mergeSchemas())
	if err != nil {
		t.Fatal(err)
	}
	east, west := table(t, p, "east.Patients"), table(t, p, "west.Patient")
	if east.Database != "billing" || west.Database != "billing" || east.Schema != "finance" || east.Keys != config.KeysUUID {
		t.Errorf("east %s.%s keys %s, west %s", east.Database, east.Schema, east.Keys, west.Database)
	}
	if east.DeleteMissing || !west.DeleteMissing {
		t.Errorf("delete missing: east %v, west %v; a part's rule decides for the part", east.DeleteMissing, west.DeleteMissing)
	}
	warn := Warning{Table: "east.Patients", Message: "keys: keep is ignored: the merged table patients identifies its rows with uuids (keys: uuid)"}
	if !slices.Contains(p.Warnings, warn) {
		t.Errorf("warnings %+v lack %+v", p.Warnings, warn)
	}
	if d := p.Drift[0]; d.Database != "billing" {
		t.Errorf("drift database = %s", d.Database)
	}
}

func TestStrategies(t *testing.T) {
	cfg := shopConfig(config.KeysKeep,
		config.TableRule{Source: "shop", Table: "Customers", Line: 7, Strategy: config.StrategyAppend, DeleteMissing: boolp(true)},
		config.TableRule{Source: "shop", Table: "Orders", Line: 8, Strategy: config.StrategyTruncate, DeleteMissing: boolp(true)},
		config.TableRule{Source: "shop", Table: "Log", Line: 9, Strategy: config.StrategyCreate},
		config.TableRule{Source: "pharmacy", Table: "Stock", Line: 10, Strategy: config.StrategyCreate})
	cfg.Defaults.Strategy = config.StrategyMerge
	p, err := Build(cfg, shopSchemas())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		strategy string
		deletes  bool
	}{
		"shop.Customers": {config.StrategyAppend, true}, "shop.Orders": {config.StrategyTruncate, false},
		"shop.Lines": {config.StrategyMerge, false}, "pharmacy.Drugs": {config.StrategyMerge, false},
	}
	for id, w := range want {
		tbl := table(t, p, id)
		last := tbl.Columns[len(tbl.Columns)-1]
		if tbl.Strategy != w.strategy || tbl.DeleteMissing != w.deletes || (last.Role == RoleRowHash) != hashed(w.strategy) {
			t.Errorf("%s: strategy %s, delete missing %v, last column %+v", id, tbl.Strategy, tbl.DeleteMissing, last)
		}
	}
	// A keyless table that inherits merge from the defaults is truncated
	// and reloaded instead, with a warning.
	cfg.Tables = cfg.Tables[:3]
	p, err = Build(cfg, shopSchemas())
	if err != nil {
		t.Fatal(err)
	}
	if tbl := table(t, p, "pharmacy.Stock"); tbl.Strategy != config.StrategyTruncate || tbl.Columns[len(tbl.Columns)-1].Role == RoleRowHash {
		t.Errorf("keyless pharmacy.Stock under defaults.strategy merge: strategy %s, columns %+v", tbl.Strategy, tbl.Columns)
	}
	if !slices.ContainsFunc(p.Warnings, func(w Warning) bool {
		return w.Table == "pharmacy.Stock" && strings.Contains(w.Message, "loaded with truncate")
	}) {
		t.Errorf("no warning that pharmacy.Stock is truncated: %+v", p.Warnings)
	}
	// A rule asking a keyless table for merge is an error.
	cfg.Tables[2].Strategy = config.StrategyMerge
	checkErrors(t, cfg, shopSchemas(), []string{
		"shop.yaml:9: tables.shop.Log.strategy: strategy merge matches rows by the primary key, and shop.Log has none; use create or truncate for it",
	})
}

// Types that share no wider type become text, with a warning; a column
// that references different tables from different parts cannot be a
// constraint.
func TestMergedDisagreements(t *testing.T) {
	schemas := mergeSchemas()
	west := schemas[1].Table("Patient")
	west.Columns[4] = col("age", kindT(sluice.KindText, "TEXT"), true)
	cfg := mergeConfigWith(func(c *config.Config) { c.Merges = c.Merges[:1] })
	p, err := Build(cfg, schemas)
	if err != nil {
		t.Fatal(err)
	}
	if c := column(t, table(t, p, "east.Patients"), "age"); c.Type != "text" {
		t.Errorf("age = %+v", c)
	}
	for _, w := range []Warning{
		{Message: "merged table patients: column age has types that share no wider type (east.Patients smallint, west.Patient text); its values are cast to text"},
		{Message: "merged table patients: column (doctor_id) references doctors, doctor from different sources; one column cannot reference all of them, so none of these foreign keys is added"},
	} {
		if !slices.Contains(p.Warnings, w) {
			t.Errorf("warnings %+v lack %+v", p.Warnings, w)
		}
	}
	if fks := table(t, p, "west.Patient").ForeignKeys; len(fks) != 0 {
		t.Errorf("foreign keys = %+v", fks)
	}
}

// A reference whose column becomes text in the merged table cannot hold a
// uuid any more: its foreign key is left out.
func TestMergedReferenceLosesItsType(t *testing.T) {
	schemas := mergeSchemas()
	schemas[0].Table("Patients").ForeignKeys = nil
	p, err := Build(mergeConfig(), schemas)
	if err != nil {
		t.Fatal(err)
	}
	if c := column(t, table(t, p, "west.Patient"), "doctor_id"); c.Type != "text" || c.Role != RoleRefUUID {
		t.Errorf("doctor_id = %+v", c)
	}
	w := Warning{Table: "west.Patient", Message: "foreign key (doctor_id) -> doctors: the merged table patients gives doctor_id the type text (it was uuid), so it cannot reference doctors; the foreign key is left out"}
	if !slices.Contains(p.Warnings, w) {
		t.Errorf("warnings %+v lack %+v", p.Warnings, w)
	}
	if fks := table(t, p, "west.Patient").ForeignKeys; len(fks) != 0 {
		t.Errorf("foreign keys = %+v", fks)
	}
}
