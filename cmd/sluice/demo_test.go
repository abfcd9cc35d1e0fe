package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// The demo migrates its sample estate with exit code 0 and lists each
// planted bad row that sluice.rejects holds; run again, it reloads and
// still succeeds; the commands it suggests next work.
func TestDemo(t *testing.T) {
	t.Parallel()
	target := sluicetest.NewPostgresDB(t)
	dir := t.TempDir()
	for run := 1; run <= 2; run++ {
		r := runSluice(t, "demo", "--dir", dir, "--target", target, "--progress", "none")
		wantCode(t, r, 0)
		checkDemoRejects(t, r.stdout, target, run)
	}
	cfg := filepath.Join(dir, "sluice.yaml")
	for _, cmd := range []string{"status", "plan"} {
		r := runSluice(t, cmd, "--config", cfg)
		wantCode(t, r, 0)
		if !strings.Contains(r.stdout, "clinical.Patients") {
			t.Errorf("sluice %s --config %s does not show clinical.Patients:\n%s", cmd, cfg, r)
		}
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
	if want := fmt.Sprintf("The %d rejected rows above were planted on purpose", len(rejects)); !strings.Contains(out, want) {
		t.Errorf("run %d: want %q in the output:\n%s", run, want, out)
	}
}
