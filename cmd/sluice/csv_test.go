package main

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// clinicCSV writes a directory of two files: 50 patients (plain CSV) and
// their visits (gzip), in types init can infer.
func clinicCSV(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var p strings.Builder
	p.WriteString("PatientId,MRN,Name,Born,Weight,Active,Admitted\n")
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&p, "%d,%05d,\"Patient %d, \"\"P%d\"\"\",19%02d-0%d-1%d,%d.%d,%t,2024-01-%02d 10:%02d:00\n",
			i, i, i, i, 40+i%50, 1+i%9, i%10, 50+i, i%10, i%3 == 0, 1+i%28, i%60)
	}
	var v strings.Builder
	v.WriteString("VisitId,PatientId,Reason\n")
	for i := 120; i >= 1; i-- { // the key runs backwards: VisitId 27 is record 94
		fmt.Fprintf(&v, "%d,%d,\"checkup\nline %d\"\n", i, 1+i%50, i)
	}
	writeFile(t, dir, "patients.csv", p.String())
	writeFile(t, dir, "visits.csv.gz", string(gzipData(t, []byte(v.String()))))
	return dir
}

func gzipData(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCSVInitPlanMigrateTrace: init writes the types it inferred from the
// files; with the keys and a reference declared by hand (what a file cannot
// say) the config plans, migrates and verifies, and trace finds the chunk of
// a row by the record that holds its key.
func TestCSVInitPlanMigrateTrace(t *testing.T) {
	t.Parallel()
	src, tgt := clinicCSV(t), sluicetest.NewPostgresDB(t)
	r := runSluice(t, "init", "--source", "clinic=csv://"+src, "--target", tgt, "--keys", "uuid", "--chunk-rows", "10")
	wantCode(t, r, 0)
	for _, w := range []string{
		"PatientId: {name: patient_id, source_type: bigint}", "MRN: {name: mrn, source_type: text}",
		"Born: {name: born, source_type: date}", "Weight: {name: weight, source_type: numeric}",
		"Active: {name: active, source_type: boolean}", "Admitted: {name: admitted, source_type: timestamp}",
		"    # primary_key: [PatientId]   # a file has no key",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("init wrote no %q:\n%s", w, r.stdout)
		}
	}
	cfg := declareKeys(t, r.stdout)
	dir := t.TempDir()
	writeFile(t, dir, "sluice.yaml", cfg)
	in := invocation{dir: dir}
	wantCode(t, in.run(t, "plan"), 0)
	m := in.run(t, "migrate", "--progress", "none")
	wantCode(t, m, 0)
	conn := pgConn(t, tgt)
	cols := pgRows(t, conn, `SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
		WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`)
	want := []string{
		"patients.patient_id uuid", "patients.legacy_id bigint", "patients.mrn text", "patients.name text", "patients.born date",
		"patients.weight numeric", "patients.active boolean", "patients.admitted timestamp without time zone",
		"visits.visit_id uuid", "visits.legacy_id bigint", "visits.patient_id uuid", "visits.reason text",
	}
	if !slices.Equal(cols, want) {
		t.Errorf("target columns\n%s\nwant\n%s", strings.Join(cols, "\n"), strings.Join(want, "\n"))
	}
	if got := pgRows(t, conn, `SELECT count(*) FROM visits v JOIN patients p USING (patient_id)`); !slices.Equal(got, []string{"120"}) {
		t.Errorf("visits joined to their patients: %v, want 120", got)
	}
	if got := pgRows(t, conn, `SELECT mrn || ' ' || name FROM patients WHERE legacy_id = 7`); !slices.Equal(got, []string{`00007 Patient 7, "P7"`}) {
		t.Errorf("patient 7: %v", got)
	}
	tr := in.run(t, "trace", "visits", "27")
	wantCode(t, tr, 0)
	words := strings.Join(strings.Fields(tr.stdout), " ")
	for _, w := range []string{"legacy key VisitId = 27", "read as _record = 94", "chunk 10 of generation 1: keys after 90 through 100"} {
		if !strings.Contains(words, w) {
			t.Errorf("trace lacks %q:\n%s", w, tr.stdout)
		}
	}
	wantCode(t, in.run(t, "verify"), 0)
}

// declareKeys turns the starter's commented key suggestions into keys and
// makes visits.PatientId reference patients.
func declareKeys(t *testing.T, starter string) string {
	t.Helper()
	out := strings.ReplaceAll(starter, "    # primary_key: [", "    primary_key: [")
	i := strings.Index(out, "  clinic.visits:")
	line := "PatientId: {name: patient_id, source_type: bigint}"
	j := strings.Index(out[i:], line)
	if i < 0 || j < 0 {
		t.Fatalf("the starter has no visits.PatientId entry:\n%s", starter)
	}
	at := i + j + len(line) - 1
	return out[:at] + ", references: clinic.patients" + out[at:]
}

// bigCSV writes 300,000 customers (a plain file, some notes over several
// lines) and 200,000 orders (gzip), and returns the directory and the
// digests the target must reproduce.
func bigCSV(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	var c, o strings.Builder
	hc, ho := md5.New(), md5.New()
	c.WriteString("CustomerID,Name,Notes,Balance\n")
	for i := 1; i <= 300000; i++ {
		notes, field := "<null>", ""
		if i%1000 == 0 {
			notes = fmt.Sprintf("first line\nsecond \"%d\"", i)
			field = `"` + strings.ReplaceAll(notes, `"`, `""`) + `"`
		}
		fmt.Fprintf(&c, "%d,Customer %d,%s,%d.%02d\n", i, i, field, i%5000, i%100)
		sep := "|"
		if i == 1 {
			sep = ""
		}
		fmt.Fprintf(hc, "%s%d:Customer %d:%s", sep, i, i, notes)
	}
	o.WriteString("OrderID,CustomerID,Item,Quantity\n")
	for i := 1; i <= 200000; i++ {
		cust := (i*7)%300000 + 1
		fmt.Fprintf(&o, "%d,%d,Item %d,%d\n", i, cust, i%977, 1+i%10)
		sep := "|"
		if i == 1 {
			sep = ""
		}
		fmt.Fprintf(ho, "%s%d:%d:Item %d:%d", sep, i, cust, i%977, 1+i%10)
	}
	if err := os.WriteFile(filepath.Join(dir, "customers.csv"), []byte(c.String()), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "orders.csv.gz"), gzipData(t, []byte(o.String())), 0o444); err != nil {
		t.Fatal(err)
	}
	return dir, []string{"300000 | " + hex.EncodeToString(hc.Sum(nil)), "200000 | " + hex.EncodeToString(ho.Sum(nil))}
}

func bigCSVConfig(t *testing.T, src, target string) invocation {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "sluice.yaml", `version: 1
sources:
  shop:
    url: csv://`+src+`
target:
  url: `+target+`
defaults:
  keys: uuid
  chunk_rows: 5000
  workers: 2
tables:
  shop.customers:
    primary_key: [CustomerID]
  shop.orders:
    primary_key: [OrderID]
    columns:
      CustomerID: {references: shop.customers}
`)
	return invocation{dir: dir}
}

// Kill -9 in the middle of loading a large plain file and a large gzip
// file, several times, and rerun: the target ends identical to an
// uninterrupted run's, with the ledger's chunks 1..n each starting at the
// record number where the previous one ended, and every value of the files.
func TestCSVKillAndResume(t *testing.T) {
	t.Parallel()
	src, digests := bigCSV(t)
	targetA, targetB := sluicetest.NewPostgresDB(t), sluicetest.NewPostgresDB(t)
	runA := bigCSVConfig(t, src, targetA).start(t, "migrate", "--progress", "none")
	inB := bigCSVConfig(t, src, targetB)
	connB := pgConn(t, targetB)
	killed := killRepeatedly(t, inB, connB)
	wantCode(t, inB.run(t, "migrate", "--progress", "none"), 0)
	t.Logf("killed at: %s", strings.Join(killed, "; "))
	for _, kp := range killPoints {
		if kp.must && !slices.Contains(killed, kp.name) {
			t.Errorf("the run was never killed %s", kp.name)
		}
	}
	wantCode(t, runA.wait(), 0)
	connA := pgConn(t, targetA)
	checkLedger(t, connB, map[string]string{"customers": "300000", "orders": "200000"})
	checkSameTarget(t, connA, connB)
	got := pgRows(t, connB, `SELECT count(*), md5(string_agg(legacy_id || ':' || name || ':' || coalesce(notes, '<null>'), '|' ORDER BY legacy_id)) FROM customers
		UNION ALL SELECT count(*), md5(string_agg(o.legacy_id || ':' || c.legacy_id || ':' || item || ':' || quantity, '|' ORDER BY o.legacy_id))
		FROM orders o JOIN customers c USING (customer_id)`)
	if !slices.Equal(got, digests) {
		t.Errorf("the target's rows differ from the files': %q, want %q", got, digests)
	}
}
