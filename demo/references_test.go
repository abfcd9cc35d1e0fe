package demo_test

import (
	"database/sql"
	"testing"
)

// TestForeignKeysInsideEachDatabaseHold runs SQLite's own check of every
// declared foreign key.
func TestForeignKeysInsideEachDatabaseHold(t *testing.T) {
	est := generate(t, 2000)
	for source, path := range est.Databases {
		db := openDB(t, path)
		if n := count(t, db, "SELECT count(*) FROM pragma_foreign_key_check"); n != 0 {
			t.Errorf("%s: %d rows reference a missing row", source, n)
		}
	}
}

func TestForeignKeysAreDeclared(t *testing.T) {
	est := generate(t, 200)
	want := map[string][]string{
		"clinical":  {"Clinicians.ClinicID>Clinics", "Clinicians.SupervisorID>Clinicians", "Patients.ClinicID>Clinics", "Visits.PatientID>Patients", "Visits.ClinicianID>Clinicians", "Prescriptions.VisitID>Visits"},
		"pharmacy":  {"Drugs.ManufacturerID>Manufacturers", "DrugInteractions.DrugID>Drugs", "DrugInteractions.InteractsWithID>Drugs"},
		"inventory": {"StockItems.WarehouseID>Warehouses", "StockMovements.StockItemID>StockItems"},
		// The west clinic's patients belong to no clinic of clinical's.
		"clinic_west": {},
	}
	if len(want) != len(est.Databases) {
		t.Fatalf("the estate has the databases %v, the test knows %d", est.Databases, len(want))
	}
	for source, fks := range want {
		got := declaredForeignKeys(t, openDB(t, est.Databases[source]))
		if len(got) != len(fks) {
			t.Errorf("%s declares %v, want %v", source, got, fks)
		}
		for _, fk := range fks {
			if !got[fk] {
				t.Errorf("%s does not declare %s", source, fk)
			}
		}
	}
}

func declaredForeignKeys(t testing.TB, db *sql.DB) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	for _, table := range tableNames(t, db) {
		rows, err := db.Query(`SELECT "from", "table" FROM pragma_foreign_key_list(?)`, table)
		if err != nil {
			t.Fatalf("list foreign keys of %s: %v", table, err)
		}
		for rows.Next() {
			var from, ref string
			if err := rows.Scan(&from, &ref); err != nil {
				t.Fatal(err)
			}
			got[table+"."+from+">"+ref] = true
		}
		rows.Close()
	}
	return got
}

// TestDrugIDsPointAtPharmacyDrugs checks the references SQLite cannot
// declare, across databases.
func TestDrugIDsPointAtPharmacyDrugs(t *testing.T) {
	est := generate(t, 2000)
	for source, table := range map[string]string{"clinical": "Prescriptions", "inventory": "StockItems"} {
		db := openDB(t, est.Databases[source])
		if _, err := db.Exec("ATTACH DATABASE ? AS pharmacy", "file:"+est.Databases["pharmacy"]+"?mode=ro"); err != nil {
			t.Fatalf("attach pharmacy: %v", err)
		}
		orphans := count(t, db, "SELECT count(*) FROM "+table+" t WHERE NOT EXISTS (SELECT 1 FROM pharmacy.Drugs d WHERE d.DrugID = t.DrugID)")
		distinct := count(t, db, "SELECT count(DISTINCT DrugID) FROM "+table)
		if orphans != 0 || distinct < 100 {
			t.Errorf("%s.%s: %d rows point at no drug; %d distinct drugs used", source, table, orphans, distinct)
		}
	}
}
