package progress

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/target"
)

func TestLogLinesInAPipe(t *testing.T) {
	var out bytes.Buffer
	d := New(&out, false, time.Hour)
	d.TableStarted("clinical.Patients", "patients", 2000, 500)
	d.ChunkLoaded("clinical.Patients", 1500, 1499, 1)
	d.TableFinished("clinical.Patients", migrate.TableResult{ID: "clinical.Patients", Target: "patients", Loaded: 1999, Rejected: 1, Filtered: 3,
		ThisRun: target.Totals{Read: 1500, Loaded: 1499, Inserted: 1499, Rejected: 1, Chunks: 1}}, nil)
	d.TableFinished("clinical.Visits", migrate.TableResult{}, errors.New("boom"))
	got := out.String()
	for _, want := range []string{
		"load clinical.Patients -> patients (about 2,000 rows), resuming after 500 rows",
		"done   clinical.Patients -> patients: 1,500 read, 1,499 loaded, 0 unchanged, 1 rejected, 3 filtered",
		"FAILED clinical.Visits: boom",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\x1b[") {
		t.Errorf("log mode wrote terminal escapes:\n%q", got)
	}
}

func TestLiveBarsRedrawInPlace(t *testing.T) {
	var out bytes.Buffer
	d := New(&out, true, time.Hour)
	d.TableStarted("a.T", "t", 100, 0)
	d.ChunkLoaded("a.T", 50, 50, 0)
	d.mu.Lock()
	d.redraw()
	d.redraw()
	d.mu.Unlock()
	got := out.String()
	if !strings.Contains(got, "copying [############............]  50%") {
		t.Errorf("no half-full bar in:\n%s", got)
	}
	if !strings.Contains(got, "\x1b[2A\x1b[J") {
		t.Errorf("second redraw did not move up over the two lines drawn:\n%q", got)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

// The total's denominator is every planned table's estimate from the
// start, not only the tables begun so far.
func TestTotalCoversEveryPlannedTableFromTheStart(t *testing.T) {
	d := New(&bytes.Buffer{}, true, time.Hour)
	d.Planned([]migrate.PlannedTable{{ID: "a.T", Estimate: 100}, {ID: "a.U", Estimate: 300}})
	d.TableStarted("a.T", "t", 100, 0)
	d.ChunkLoaded("a.T", 50, 50, 0)
	if got := d.totalLine(); !strings.Contains(got, "12%") || !strings.Contains(got, "50/400") {
		t.Errorf("total after 50 of 400 planned rows: %q", got)
	}
}

// An estimate that was too low makes the total wait, never go back; a
// table that finishes replaces its estimate by what it read.
func TestTotalNeverGoesBack(t *testing.T) {
	d := New(&bytes.Buffer{}, true, time.Hour)
	d.Planned([]migrate.PlannedTable{{ID: "a.T", Estimate: 100}, {ID: "a.U", Estimate: 100}})
	d.TableStarted("a.T", "t", 100, 0)
	last := -1.0
	for range 6 { // a.T holds 300 rows, not 100
		d.ChunkLoaded("a.T", 50, 50, 0)
		d.totalLine()
		if d.shown < last {
			t.Fatalf("the total went back from %.2f to %.2f", last, d.shown)
		}
		last = d.shown
	}
	d.TableFinished("a.T", migrate.TableResult{}, nil)
	d.TableStarted("a.U", "u", 100, 0)
	d.ChunkLoaded("a.U", 100, 100, 0)
	d.TableFinished("a.U", migrate.TableResult{}, nil)
	if got := d.totalLine(); !strings.Contains(got, "100%") || !strings.Contains(got, "400/400") {
		t.Errorf("total once every table finished: %q", got)
	}
}

// A table past its copy shows its step, and the run its own step with a
// bar, instead of a bar sitting at 100% with no word.
func TestStepsAreNamed(t *testing.T) {
	var out bytes.Buffer
	d := New(&out, true, time.Hour)
	d.TableStarted("a.T", "t", 100, 0)
	d.ChunkLoaded("a.T", 100, 100, 0)
	d.TableStep("a.T", migrate.StepIndexing, 0, 0)
	d.RunStep(migrate.StepForeignKeys, 3, 12)
	d.mu.Lock()
	d.redraw()
	d.mu.Unlock()
	got := out.String()
	for _, want := range []string{"a.T", "indexing...", "validating foreign keys", "3/12"} {
		if !strings.Contains(got, want) {
			t.Errorf("the live area lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "copying [########################] 100%") {
		t.Errorf("an indexing table still shows its full copy bar:\n%s", got)
	}
}
