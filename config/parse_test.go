package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

func ptr(s string) *string { return &s }

// TestParseFull reads a file that uses every key and compares the whole result.
func TestParseFull(t *testing.T) {
	t.Setenv("CLINICAL_PASSWORD", "s3cret")
	t.Setenv("TARGET_PASSWORD", "t0p")
	const path = "testdata/full.yaml"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	want := &Config{
		File:    path,
		Hash:    hex.EncodeToString(sum[:]),
		Version: 1,
		Sources: []Source{
			{Name: "clinical", URL: "mysql://app:s3cret@db1.internal:3306/clinical", Line: 5},
			{Name: "pharmacy", URL: "sqlite:///data/pharmacy.db", Line: 7},
			{Name: "north", URL: "postgresql://reader:unused@db2:5432/north?schema=public", Line: 9},
		},
		Target: Target{Name: "target", URL: "postgres://sluice:t0p@pg.internal:5432/platform", Schema: "platform", Line: 12},
		Targets: []Target{
			{Name: "target", URL: "postgres://sluice:t0p@pg.internal:5432/platform", Schema: "platform", Line: 12},
		},
		Defaults: Defaults{
			Naming:       NamingCamel,
			Keys:         KeysUUID,
			KeyNamespace: uuid.MustParse("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
			LegacyColumn: "old_id",
			ChunkRows:    5000,
			ChunkBytes:   32 << 20,
			Workers:      8,
			Strategy:     StrategyTruncate,
			ZeroDates:    ZeroDatesNull,
			SourceColumn: "source", BadKeys: BadKeysReject,
			Enums:      EnumsType,
			Spatial:    SpatialWKT,
			TextSearch: "english",
		},
		Tables: []TableRule{
			{
				Source: "clinical", Table: "Patients", Line: 31,
				Target: "patients", Keys: KeysKeep, LegacyColumn: "legacy_patient_id",
				ChunkRows: 50000, ChunkBytes: 64 << 20, Where: "Deleted = 0",
				Columns: []ColumnRule{
					{Name: "PatientID", Line: 39, Target: "patient_id"},
					{Name: "Notes", Line: 40, Drop: true},
					{Name: "IsActive", Line: 41, Type: "boolean", Default: ptr("true")},
					{Name: "Comment", Line: 42, Default: ptr(""), Enum: EnumsText},
					{Name: "PharmacyDrugID", Line: 43, References: "pharmacy.Drugs"},
					{Name: "Region", Line: 44, Target: "region_code", Type: "text", References: "north.Order Details.RegionID"},
				},
			},
			{Source: "clinical", Table: "AuditLog", Line: 48, Skip: true},
			{Source: "north", Table: "Order Details", Line: 50, Target: "order_details", Indexes: []IndexRule{
				{Name: "ft_notes", Line: 53, Drop: true},
				{Name: "ix_name", Line: 54, Columns: []string{"last_name", "first_name"}, Unique: ptrBool(true)},
				{Name: "ix_lower_email", Line: 55, Expression: "lower(email)", Method: "btree", Where: "email IS NOT NULL"},
			}},
			{Source: "pharmacy", Table: "dbo.Drugs", Line: 56},
		},
	}
	got, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load(%s):\n got %+v\nwant %+v", path, got, want)
	}
}

// TestParseDefaults checks that a minimal file gets the documented defaults.
func TestParseDefaults(t *testing.T) {
	got, err := Parse(strings.NewReader(header), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := Defaults{
		Naming: NamingSnake, Keys: KeysKeep, KeyNamespace: sluice.DefaultNamespace,
		LegacyColumn: "legacy_id", ChunkRows: 20000, ChunkBytes: 8 << 20, Workers: 4,
		Strategy: StrategyCreate, ZeroDates: ZeroDatesReject, SourceColumn: "source", BadKeys: BadKeysReject, Enums: EnumsCheck,
		Spatial: SpatialPostGIS, TextSearch: "simple",
	}
	if got.Defaults != want {
		t.Errorf("defaults = %+v, want %+v", got.Defaults, want)
	}
	wantTarget := Target{Name: DefaultTargetName, URL: "postgres://sluice:pw@pg/platform", Schema: "public", Line: 4}
	if got.Target != wantTarget || !reflect.DeepEqual(got.Targets, []Target{wantTarget}) {
		t.Errorf("target = %+v, targets = %+v; want %+v once", got.Target, got.Targets, wantTarget)
	}
	if got.Tables != nil {
		t.Errorf("tables = %+v, want none", got.Tables)
	}
}

func TestSourceLookup(t *testing.T) {
	cfg, err := Parse(strings.NewReader(header), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Source("clinical"); s == nil || s.Line != 3 {
		t.Errorf("Source(clinical) = %+v, want the source of line 3", s)
	}
	if s := cfg.Source("nope"); s != nil {
		t.Errorf("Source(nope) = %+v, want nil", s)
	}
}

// A source's encoding is kept in its canonical spelling, whatever the
// alias and case written; no encoding is "".
func TestSourceEncoding(t *testing.T) {
	t.Setenv("SHOP_ENCODING", "cp1252")
	text := "version: 1\nsources:\n  shop: {url: \"sqlite:shop.db\", encoding: Windows-1252}\n" +
		"  books: {url: \"postgres://a@b/c\", encoding: UJIS}\n  env: {url: \"sqlite:x.db\", encoding: \"${SHOP_ENCODING}\"}\n" +
		"  plain: {url: \"sqlite:y.db\"}\ntarget: {url: \"postgres://x/y\"}\n"
	cfg, err := Parse(strings.NewReader(text), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"shop": "cp1252", "books": "eucjp", "env": "cp1252", "plain": ""} {
		if got := cfg.Source(name).Encoding; got != want {
			t.Errorf("source %s: encoding %q, want %q", name, got, want)
		}
	}
}

// TestHash ties a run to the exact bytes of its config: any edit, even a
// comment, changes it, and an unchanged file keeps it.
func TestHash(t *testing.T) {
	hash := func(text string) string {
		t.Helper()
		cfg, err := Parse(strings.NewReader(text), "sluice.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return cfg.Hash
	}
	a, b, c := hash(header), hash(header), hash(header+"# a comment\n")
	sum := sha256.Sum256([]byte(header))
	if a != hex.EncodeToString(sum[:]) {
		t.Errorf("hash = %s, want the SHA-256 of the file", a)
	}
	if a != b {
		t.Errorf("same file, different hashes: %s and %s", a, b)
	}
	if a == c {
		t.Errorf("edited file kept hash %s", a)
	}
}

// TestHashBeforeExpansion: the hash is of the file, not of the environment.
func TestHashBeforeExpansion(t *testing.T) {
	text := strings.Replace(header, "hunter2", "${PW}", 1)
	t.Setenv("PW", "one")
	first, err := Parse(strings.NewReader(text), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PW", "two")
	second, err := Parse(strings.NewReader(text), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if first.Hash != second.Hash || first.Sources[0].URL == second.Sources[0].URL {
		t.Errorf("hashes %s, %s for URLs %s, %s: want one hash, two URLs",
			first.Hash, second.Hash, sluice.RedactURL(first.Sources[0].URL), sluice.RedactURL(second.Sources[0].URL))
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sluice.yaml")
	_, err := Load(path)
	want := path + ": read config: no such file or directory"
	if err == nil || err.Error() != want {
		t.Fatalf("Load(missing) = %v, want %q", err, want)
	}
	var es Errors
	if !errors.As(err, &es) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) = %#v, want Errors wrapping fs.ErrNotExist", err)
	}
}

func TestSplitReference(t *testing.T) {
	tests := []struct {
		ref                   string
		source, table, column string
		ok                    bool
	}{
		{"pharmacy.Drugs", "pharmacy", "Drugs", "", true},
		{"pharmacy.Drugs.DrugID", "pharmacy", "Drugs", "DrugID", true},
		{"north.Order Details.OrderID", "north", "Order Details", "OrderID", true},
		{"north.dbo.Orders.ID", "north", "dbo.Orders", "ID", true},
		{"Drugs", "", "", "", false},
		{"pharmacy.", "", "", "", false},
		{".Drugs", "", "", "", false},
		{"pharmacy.Drugs.", "", "", "", false},
		{"pharmacy..ID", "", "", "", false},
		{"9x.Drugs", "", "", "", false},
	}
	for _, tt := range tests {
		s, tb, c, ok := SplitReference(tt.ref)
		if s != tt.source || tb != tt.table || c != tt.column || ok != tt.ok {
			t.Errorf("SplitReference(%q) = %q, %q, %q, %v; want %q, %q, %q, %v",
				tt.ref, s, tb, c, ok, tt.source, tt.table, tt.column, tt.ok)
		}
	}
}

// `zero_dates: null`, unquoted as `sluice init` writes it and docs/CONFIG.md
// shows it, is YAML's null: it means the documented value null. bad_keys
// decodes in the defaults and in a table rule.
func TestParseUnquotedNull(t *testing.T) {
	for _, text := range []string{"null", "Null", "NULL", `"null"`} {
		src := header + "defaults:\n  zero_dates: " + text + "   # reject | null\n  bad_keys: load\n" +
			"tables:\n  clinical.t:\n    bad_keys: reject\n"
		got, err := Parse(strings.NewReader(src), "sluice.yaml")
		if err != nil {
			t.Fatalf("zero_dates: %s: %v", text, err)
		}
		if got.Defaults.ZeroDates != ZeroDatesNull || got.Defaults.BadKeys != BadKeysLoad || got.Tables[0].BadKeys != BadKeysReject {
			t.Errorf("zero_dates: %s: defaults %+v, table %+v", text, got.Defaults, got.Tables[0])
		}
	}
}

func ptrBool(b bool) *bool { return &b }
