package demo_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/demo"
)

// TestConfigParsesStrictly reads sluice.yaml with the real, strict parser
// and checks the rules the estate needs.
func TestConfigParsesStrictly(t *testing.T) {
	est := generate(t, 200)
	cfg := loadConfig(t, est.ConfigPath)
	if len(cfg.Sources) != 4 || len(cfg.Sources) != len(est.Databases) {
		t.Fatalf("%d sources, want 4, one per database of the estate", len(cfg.Sources))
	}
	for _, s := range cfg.Sources {
		if s.URL != "sqlite://"+est.Databases[s.Name] || !filepath.IsAbs(est.Databases[s.Name]) {
			t.Errorf("source %s has URL %s, want sqlite:// and the absolute path %s", s.Name, s.URL, est.Databases[s.Name])
		}
	}
	if cfg.Target.URL != testTarget || cfg.Defaults.Naming != config.NamingSnake || cfg.Defaults.Keys != config.KeysUUID {
		t.Errorf("target %s, naming %s, keys %s", cfg.Target.URL, cfg.Defaults.Naming, cfg.Defaults.Keys)
	}
	// merge: a rerun on unchanged sources writes nothing, which the demo shows
	if cfg.Defaults.Strategy != config.StrategyMerge {
		t.Errorf("default strategy %s, want merge", cfg.Defaults.Strategy)
	}
	checkRules(t, cfg)
	checkMergeRules(t, cfg)
}

// checkMergeRules checks the patients merge and what it needs from each
// source table's rule, and the rooms expansion.
func checkMergeRules(t *testing.T, cfg *config.Config) {
	t.Helper()
	m := cfg.Merge("clinic_west", "Patient")
	if len(cfg.Merges) != 1 || m == nil || m != cfg.Merge("clinical", "Patients") {
		t.Fatalf("merges %+v, want patients from clinical.Patients and clinic_west.Patient", cfg.Merges)
	}
	if m.Table != "patients" || !slices.Equal(m.MatchOn, []string{"mrn"}) || m.Conflict != config.ConflictPrefer ||
		!slices.Equal(m.Prefer, []string{"clinical", "clinic_west"}) {
		t.Errorf("merge rule %+v", m)
	}
	west := cfg.Rule("clinic_west", "Patient")
	if c := west.Column("MedicalRecordNo"); c == nil || c.Target != "mrn" {
		t.Errorf("clinic_west.Patient does not map MedicalRecordNo to mrn: %+v", c)
	}
	if len(west.Fill) == 0 {
		t.Errorf("clinic_west.Patient fills none of the columns it lacks")
	}
	for _, r := range []*config.TableRule{west, cfg.Rule("clinical", "Patients")} {
		if names := computedNames(r); !slices.Equal(names, []string{"full_name", "sex"}) {
			t.Errorf("%s.%s computes %v, want full_name and sex", r.Source, r.Table, names)
		}
	}
	e := cfg.Rule("clinical", "Clinics").Expand
	if len(e) != 1 || e[0].Table != "clinic_rooms" || e[0].Kind != config.ExpandCount || e[0].Column != "NumRooms" || e[0].Ordinal != "room_no" {
		t.Errorf("clinical.Clinics expands %+v, want clinic_rooms from the count NumRooms", e)
	}
}

func computedNames(r *config.TableRule) []string {
	var names []string
	for _, c := range r.Computed {
		names = append(names, c.Column)
	}
	return names
}

func checkRules(t *testing.T, cfg *config.Config) {
	t.Helper()
	for _, ref := range []string{"clinical.Prescriptions", "inventory.StockItems"} {
		source, table, _ := strings.Cut(ref, ".")
		if c := cfg.Rule(source, table).Column("DrugID"); c == nil || c.References != "pharmacy.Drugs" {
			t.Errorf("%s.DrugID does not reference pharmacy.Drugs: %+v", ref, c)
		}
	}
	if r := cfg.Rule("clinical", "Clinicians"); r == nil || r.Target != "practitioners" || !r.Column("PasswordHash").Drop {
		t.Errorf("clinical.Clinicians rule: %+v", r)
	}
	if c := cfg.Rule("clinical", "Patients").Column("BirthDate"); c == nil || c.Target != "date_of_birth" {
		t.Errorf("clinical.Patients.BirthDate rule: %+v", c)
	}
	if r := cfg.Rule("inventory", "AuditTrail"); r == nil || r.Where == "" {
		t.Errorf("inventory.AuditTrail has no where rule: %+v", r)
	}
}

// TestConfigRulesNameRealTablesAndColumns: a rule about a table or column
// the estate does not have would fail `sluice plan`.
func TestConfigRulesNameRealTablesAndColumns(t *testing.T) {
	est := generate(t, 200)
	cfg := loadConfig(t, est.ConfigPath)
	for _, r := range cfg.Tables {
		db := openDB(t, est.Databases[r.Source])
		cols := map[string]bool{}
		for _, c := range columns(t, db, r.Table) {
			cols[c.name] = true
		}
		if len(cols) == 0 {
			t.Errorf("rule for %s.%s: no such table", r.Source, r.Table)
		}
		for _, c := range r.Columns {
			if !cols[c.Name] {
				t.Errorf("rule for %s.%s.%s: no such column", r.Source, r.Table, c.Name)
			}
		}
	}
}

// TestFilteredRowsMatchTheWhereRule runs the where clause of sluice.yaml on
// the database and compares with Estate.Filtered.
func TestFilteredRowsMatchTheWhereRule(t *testing.T) {
	est := generate(t, 2000)
	cfg := loadConfig(t, est.ConfigPath)
	if len(est.Filtered) != 1 {
		t.Fatalf("Filtered lists %v, want only inventory.AuditTrail", est.Filtered)
	}
	db := openDB(t, est.Databases["inventory"])
	total := est.Rows["inventory.AuditTrail"]
	kept := count(t, db, "SELECT count(*) FROM AuditTrail WHERE "+cfg.Rule("inventory", "AuditTrail").Where)
	filtered := est.Filtered["inventory.AuditTrail"]
	if filtered != total-kept || filtered == 0 || kept == 0 {
		t.Errorf("where keeps %d of %d rows; Estate.Filtered says %d", kept, total, filtered)
	}
}

// TestConfigQuotesAwkwardPaths: a directory name YAML would misread must
// still give the right URLs.
func TestConfigQuotesAwkwardPaths(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my demo: #1 'estate'")
	est, err := demo.Generate(context.Background(), demo.Options{Dir: dir, Rows: demo.MinRows, Target: testTarget + "?sslmode=disable&x=#y"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := loadConfig(t, est.ConfigPath)
	if got := cfg.Source("clinical").URL; got != "sqlite://"+filepath.Join(dir, "clinical.db") {
		t.Errorf("clinical URL is %q", got)
	}
	if cfg.Target.URL != testTarget+"?sslmode=disable&x=#y" {
		t.Errorf("target URL is %q", cfg.Target.URL)
	}
}

func loadConfig(t testing.TB, path string) *config.Config {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("parse the generated sluice.yaml: %v", err)
	}
	return cfg
}
