package demo_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/demo"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := generate(t, 3000), generate(t, 3000)
	for name, pathA := range a.Databases {
		if !bytes.Equal(readFile(t, pathA), readFile(t, b.Databases[name])) {
			t.Errorf("%s.db differs between two runs with the same options", name)
		}
	}
	confA := strings.ReplaceAll(string(readFile(t, a.ConfigPath)), a.Dir, "DIR")
	confB := strings.ReplaceAll(string(readFile(t, b.ConfigPath)), b.Dir, "DIR")
	if confA != confB {
		t.Errorf("sluice.yaml differs between two runs:\n%s\n---\n%s", confA, confB)
	}
	if !reflect.DeepEqual(a.Rows, b.Rows) || !reflect.DeepEqual(a.BadRows, b.BadRows) || !reflect.DeepEqual(a.Filtered, b.Filtered) || !reflect.DeepEqual(a.Matches, b.Matches) {
		t.Errorf("estates differ: %+v\n%+v", a, b)
	}
}

func TestGenerateReplacesAnEarlierEstate(t *testing.T) {
	dir := t.TempDir()
	for _, rows := range []int{500, 200} {
		if _, err := demo.Generate(context.Background(), demo.Options{Dir: dir, Rows: rows, Target: testTarget}); err != nil {
			t.Fatalf("generate %d rows into %s: %v", rows, dir, err)
		}
	}
	fresh := generate(t, 200)
	for name, path := range fresh.Databases {
		if !bytes.Equal(readFile(t, path), readFile(t, filepath.Join(dir, name+".db"))) {
			t.Errorf("%s.db written over an earlier estate differs from a fresh one", name)
		}
	}
}

func TestRowCountsMatchEstate(t *testing.T) {
	est := generate(t, 2000)
	seen := 0
	for source, path := range est.Databases {
		db := openDB(t, path)
		for _, table := range tableNames(t, db) {
			key := source + "." + table
			want, ok := est.Rows[key]
			if !ok {
				t.Errorf("%s is in the database but not in Estate.Rows", key)
			}
			if got := count(t, db, `SELECT count(*) FROM "`+table+`"`); got != want || got < 3 {
				t.Errorf("%s holds %d rows, Estate.Rows says %d (and at least 3 are needed)", key, got, want)
			}
			seen++
		}
	}
	if seen != len(est.Rows) || seen != 13 {
		t.Errorf("the databases hold %d tables, Estate.Rows lists %d, want 13", seen, len(est.Rows))
	}
}

func TestCountsScaleWithRows(t *testing.T) {
	est := generate(t, 4000)
	want := map[string]int64{
		"clinical.Patients": 4000, "clinical.Visits": 6000, "clinical.Prescriptions": 4000, "clinic_west.Patient": 2000,
		"pharmacy.Drugs": 400, "inventory.StockItems": 1000, "inventory.StockMovements": 2000,
	}
	for key, n := range want {
		if est.Rows[key] != n {
			t.Errorf("%s: %d rows, want %d", key, est.Rows[key], n)
		}
	}
}

func TestBadRowsScaleWithRowsAndNeverFewerThanThree(t *testing.T) {
	for rows, perKind := range map[int]int{demo.MinRows: 3, 2000: 3, 5000: 5} {
		est := generate(t, rows)
		kinds := map[string]int{}
		for _, b := range est.BadRows {
			kinds[b.Column]++
		}
		for _, col := range []string{"BirthDate", "Notes", "IsActive"} {
			if kinds[col] != perKind {
				t.Errorf("%d patients: %d bad %s values, want %d", rows, kinds[col], col, perKind)
			}
		}
	}
}

func TestGenerateRefusesBadOptions(t *testing.T) {
	for name, o := range map[string]demo.Options{
		"too few rows": {Dir: t.TempDir(), Rows: demo.MinRows - 1, Target: testTarget},
		"no target":    {Dir: t.TempDir(), Rows: 100},
		"no directory": {Rows: 100, Target: testTarget},
	} {
		if _, err := demo.Generate(context.Background(), o); err == nil {
			t.Errorf("%s: Generate succeeded", name)
		}
	}
}

func TestGenerateDefaultsToTwoThousandPatients(t *testing.T) {
	est, err := demo.Generate(context.Background(), demo.Options{Dir: t.TempDir(), Target: testTarget})
	if err != nil {
		t.Fatal(err)
	}
	if est.Rows["clinical.Patients"] != demo.DefaultRows {
		t.Errorf("%d patients, want %d", est.Rows["clinical.Patients"], demo.DefaultRows)
	}
}

func TestGenerateStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := demo.Generate(ctx, demo.Options{Dir: t.TempDir(), Rows: 1000, Target: testTarget}); err == nil {
		t.Error("Generate succeeded with a cancelled context")
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
