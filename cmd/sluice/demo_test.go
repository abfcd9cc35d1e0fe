package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice/sluicetest"
)

// demoRows keeps the demo quick; it still holds every planted bad value,
// shared patients and clinics without rooms.
const demoRows = "60"

// The demo migrates its sample estate with exit code 0 and lists each
// planted bad row that sluice.rejects holds; its second migration, on
// unchanged sources, writes nothing. Run again, the demo regenerates the
// same estate, and neither migration writes anything. The target holds the
// merged patients and the expanded rooms; the commands it suggests work.
// Each run's live phase shows its changes arriving (see checkDemoLive).
func TestDemo(t *testing.T) {
	t.Parallel()
	target := sluicetest.NewPostgresDB(t)
	liveSource, liveTarget := demoLiveDatabases(t, target)
	dir := t.TempDir()
	var last string
	for demo := 1; demo <= 2; demo++ {
		r := runSluice(t, "demo", "--dir", dir, "--rows", demoRows, "--target", target, "--live-source", liveSource, "--progress", "none")
		wantCode(t, r, 0)
		last = r.stdout
		first, second := splitDemoRuns(t, r.stdout)
		checkDemoRejects(t, first, target, 2*demo-1)
		checkDemoRejects(t, second, target, 2*demo)
		checkNothingWritten(t, second, 2*demo)
		// The audit trail (filtered by where:) was finished by the first
		// run: this run filtered nothing and loaded nothing.
		if !strings.Contains(second, " 0 loaded, ") || !strings.Contains(second, " 0 filtered in ") {
			t.Errorf("run %d: the totals count what an earlier run did:\n%s", 2*demo, second)
		}
		if demo == 2 {
			checkNothingWritten(t, first, 2*demo-1)
		}
	}
	checkDemoTarget(t, dir, target)
	checkDemoLive(t, last, dir, target, liveTarget)
	cfg := filepath.Join(dir, "sluice.yaml")
	checkDemoTrace(t, cfg, target)
	checkReadmeTrace(t, dir, cfg)
	for cmd, want := range map[string]string{"status": "clinical.Patients", "plan": "Schema drift: patients"} {
		r := runSluice(t, cmd, "--config", cfg)
		wantCode(t, r, 0)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("sluice %s --config %s does not show %q:\n%s", cmd, cfg, want, r)
		}
	}
}

// checkDemoTrace traces a shared patient by its west clinic key: the trace
// finds the merged row and lists both clinics' source rows.
func checkDemoTrace(t *testing.T, cfg, target string) {
	t.Helper()
	conn := pgConn(t, target)
	pair := pgRows(t, conn, `SELECT string_agg(k.legacy_key, '|' ORDER BY k.source) FROM sluice.legacy_keys k
		GROUP BY k.entity HAVING count(*) = 2 ORDER BY 1 LIMIT 1`)
	if len(pair) != 1 {
		t.Fatalf("no shared patient in sluice.legacy_keys")
	}
	west, clinical, _ := strings.Cut(pair[0], "|")
	r := runSluice(t, "trace", "clinic_west.Patient", west, "--config", cfg)
	wantCode(t, r, 0)
	for _, want := range []string{"clinic_west.Patient  legacy key " + west, "clinical.Patients    legacy key " + clinical} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("trace of clinic_west.Patient %s does not list %q:\n%s", west, want, r)
		}
	}
}

// checkReadmeTrace runs the README's `sluice trace patients 1042` on the
// demo (a smaller key: the test's demo is small), where patients is a
// merged table whose clinical part knows the key, and traces an audit entry
// that the config's where: leaves out, which is "filtered", not unknown.
func checkReadmeTrace(t *testing.T, dir, cfg string) {
	t.Helper()
	key := fmt.Sprint(sqliteInt(t, openDemoDB(t, dir, "clinical"), "SELECT max(PatientID) FROM Patients"))
	r := runSluice(t, "trace", "patients", key, "--config", cfg)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "clinical.Patients") || !strings.Contains(r.stdout, "legacy key "+key) {
		t.Errorf("trace patients %s does not show clinical's patient %s:\n%s", key, key, r)
	}
	old := sqliteInt(t, openDemoDB(t, dir, "inventory"), "SELECT min(rowid) FROM AuditTrail WHERE EventTime < '2010-01-01'")
	f := runSluice(t, "trace", "audit_trail", strconv.FormatInt(old, 10), "--config", cfg)
	wantCode(t, f, 0)
	if !strings.Contains(f.stdout, "inventory.AuditTrail key "+strconv.FormatInt(old, 10)+": filtered") {
		t.Errorf("trace of an audit entry the filter excludes does not say filtered:\n%s", f)
	}
}

// splitDemoRuns cuts the demo's output into the summaries of its two runs.
func splitDemoRuns(t *testing.T, out string) (first, second string) {
	t.Helper()
	first, second, ok := strings.Cut(out, "\n"+demoRerunHeading+"\n")
	if !ok {
		t.Fatalf("the demo's output does not announce the second run:\n%s", out)
	}
	return first, second
}

// checkNothingWritten asserts that a run's summary counts no row inserted,
// updated or deleted, and some unchanged.
func checkNothingWritten(t *testing.T, out string, run int) {
	t.Helper()
	_, line, ok := strings.Cut(out, "\nchanges: ")
	if !ok {
		t.Fatalf("run %d: the summary counts no changes:\n%s", run, out)
	}
	var inserted, updated, unchanged, deleted int64
	_, err := fmt.Sscanf(line, "%d inserted, %d updated, %d unchanged, %d deleted", &inserted, &updated, &unchanged, &deleted)
	if err != nil || inserted+updated+deleted != 0 || unchanged == 0 {
		t.Errorf("run %d: %d inserted, %d updated, %d unchanged, %d deleted (%v); want nothing written:\n%s",
			run, inserted, updated, unchanged, deleted, err, out)
	}
}

// checkDemoRejects asserts that the summary lists every reject that the
// target recorded in this run, and no other.
func checkDemoRejects(t *testing.T, out, target string, run int) {
	t.Helper()
	rejects := pgRows(t, pgConn(t, target), `SELECT source || '.' || source_table, row_key, column_name
		FROM sluice.rejects WHERE run_id = $1 ORDER BY reject_id`, run)
	if len(rejects) == 0 {
		t.Fatalf("run %d of the demo recorded no rejects; it plants some", run)
	}
	_, section, ok := strings.Cut(out, "\nrejected rows (first ")
	if !ok {
		t.Fatalf("run %d: the summary has no rejected rows section:\n%s", run, out)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(section, "\n")[2:] { // after the heading and the column names
		f := strings.Fields(line)
		if len(f) == 0 {
			break
		}
		listed[strings.Join(f[:min(3, len(f))], " | ")] = true
	}
	if len(listed) != len(rejects) {
		t.Errorf("run %d: the summary lists %d rejected rows, the target holds %d", run, len(listed), len(rejects))
	}
	for _, r := range rejects {
		if !listed[r] {
			t.Errorf("run %d: the summary does not list the rejected row %s:\n%s", run, r, out)
		}
	}
	if run%2 == 0 {
		want := fmt.Sprintf("The %d rejected rows above were planted on purpose", len(rejects))
		if !strings.Contains(out, want) {
			t.Errorf("run %d: want %q in the output:\n%s", run, want, out)
		}
	}
}

// demoPatient is a patient of one clinic, as the SQLite file holds it.
type demoPatient struct {
	key                  string // PatientID or PatientNo
	phone, language, mrn sql.NullString
}

// checkDemoTarget compares the target with the estate's SQLite files: one
// patients row per person (clinical + west - shared - rejected), both
// legacy keys of each shared patient, clinical's phone and the west
// clinic's preferred language on a shared patient's row, visits pointing
// at the merged rows, and one clinic_rooms row per room.
func checkDemoTarget(t *testing.T, dir, target string) {
	t.Helper()
	clinical, west := openDemoDB(t, dir, "clinical"), openDemoDB(t, dir, "clinic_west")
	conn := pgConn(t, target)
	rejected := pgRows(t, conn, `SELECT DISTINCT row_key FROM sluice.rejects WHERE source = 'clinical' AND source_table = 'Patients'`)
	east := demoPatients(t, clinical, "SELECT PatientID, MRN, Phone, NULL FROM Patients")
	shared := map[string][2]demoPatient{} // by MRN: clinical's row, west's row
	westN := 0
	for _, w := range demoPatients(t, west, "SELECT PatientNo, MedicalRecordNo, PhoneNumber, PreferredLanguage FROM Patient") {
		westN++
		if e, ok := east[w.mrn.String]; ok && !slices.Contains(rejected, e.key) {
			shared[w.mrn.String] = [2]demoPatient{e, w}
		}
	}
	if len(shared) == 0 || len(rejected) == 0 {
		t.Fatalf("the estate has %d shared patients and %d rejected ones; the demo needs both", len(shared), len(rejected))
	}
	want := int64(len(east) + westN - len(shared) - len(rejected))
	if n := pgInt(t, conn, "SELECT count(*) FROM patients"); n != want {
		t.Errorf("patients holds %d rows, want %d clinical + %d west - %d shared - %d rejected = %d",
			n, len(east), westN, len(shared), len(rejected), want)
	}
	checkSharedPatients(t, conn, shared)
	checkSharedVisits(t, conn, clinical, shared)
	rooms := sqliteInt(t, clinical, "SELECT coalesce(sum(NumRooms), 0) FROM Clinics")
	if n := pgInt(t, conn, "SELECT count(*) FROM clinic_rooms"); n != rooms || rooms == 0 {
		t.Errorf("clinic_rooms holds %d rows, the clinics have %d rooms", n, rooms)
	}
}

// checkSharedPatients: a shared patient is one row with a legacy key in
// each clinic, clinical's phone (prefer: clinical first) and the west
// clinic's preferred language (clinical has none to prefer).
func checkSharedPatients(t *testing.T, conn *pgx.Conn, shared map[string][2]demoPatient) {
	t.Helper()
	got := pgRows(t, conn, `SELECT p.mrn, string_agg(k.source || ':' || k.legacy_key, ' ' ORDER BY k.source),
			coalesce(p.phone, '-'), coalesce(p.preferred_language, '-')
		FROM patients p JOIN sluice.legacy_keys k ON k.entity = p.id
		GROUP BY p.mrn, p.phone, p.preferred_language HAVING count(*) > 1 ORDER BY p.mrn`)
	var want []string
	for mrn, s := range shared {
		want = append(want, mrn+" | clinic_west:"+s[1].key+" clinical:"+s[0].key+" | "+orDash(s[0].phone)+" | "+orDash(s[1].language))
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("patients with two legacy keys:\n%v\nwant:\n%v", got, want)
	}
}

// checkSharedVisits: every visit of a shared patient points at the merged row.
func checkSharedVisits(t *testing.T, conn *pgx.Conn, clinical *sql.DB, shared map[string][2]demoPatient) {
	t.Helper()
	var mrns, ids []string
	for mrn, s := range shared {
		mrns, ids = append(mrns, mrn), append(ids, s[0].key)
	}
	want := sqliteInt(t, clinical, "SELECT count(*) FROM Visits WHERE PatientID IN ("+joinInts(ids)+")")
	got := pgInt(t, conn, "SELECT count(*) FROM visits v JOIN patients p ON p.id = v.patient_id WHERE p.mrn = ANY($1)", mrns)
	if got != want {
		t.Errorf("%d visits reach a shared patient's merged row, the clinic recorded %d", got, want)
	}
}

func orDash(s sql.NullString) string {
	if !s.Valid {
		return "-"
	}
	return s.String
}

func joinInts(keys []string) string {
	out := "0"
	for _, k := range keys {
		if _, err := strconv.Atoi(k); err == nil {
			out += "," + k
		}
	}
	return out
}

func openDemoDB(t *testing.T, dir, name string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, name+".db")+"?mode=ro")
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// demoPatients reads key, MRN, phone and language of every patient, by MRN.
func demoPatients(t *testing.T, db *sql.DB, query string) map[string]demoPatient {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[string]demoPatient{}
	for rows.Next() {
		var p demoPatient
		if err := rows.Scan(&p.key, &p.mrn, &p.phone, &p.language); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out[p.mrn.String] = p
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

func sqliteInt(t *testing.T, db *sql.DB, query string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
