package progress

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice/migrate"
)

func TestLogLinesInAPipe(t *testing.T) {
	var out bytes.Buffer
	d := New(&out, false, time.Hour)
	d.TableStarted("clinical.Patients", "patients", 2000, 500)
	d.ChunkLoaded("clinical.Patients", 1500, 1499, 1)
	d.TableFinished("clinical.Patients", migrate.TableResult{ID: "clinical.Patients", Target: "patients", Loaded: 1999, Rejected: 1, Filtered: 3}, nil)
	d.TableFinished("clinical.Visits", migrate.TableResult{}, errors.New("boom"))
	got := out.String()
	for _, want := range []string{
		"load clinical.Patients -> patients (about 2,000 rows), resuming after 500 rows",
		"done   clinical.Patients -> patients: 1,999 loaded, 1 rejected, 3 filtered",
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
	if !strings.Contains(got, "[############............]  50%") {
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
