package audit

import (
	"strings"
	"testing"
)

// sluice.runs and the trail must agree: each run listed has its run.start
// entry, each run ended has its run.end entry with the same status, and each
// run in the trail is listed. A run still running has no run.end yet.
func TestRunsCrossCheck(t *testing.T) {
	t.Parallel()
	pool := newStore(t)
	appendRun(t, pool, 1, 3)            // run.end status ok
	appendEntries(t, pool, 2, 2, false) // still running
	cases := []struct {
		name   string
		runs   []Run
		kind   Kind
		detail string
	}{
		{"agree", []Run{{1, "migrate", "ok"}, {2, "migrate", "running"}}, "", ""},
		{"status edited", []Run{{1, "migrate", "failed"}, {2, "migrate", "running"}}, RunStatus, "sluice.runs says run 1 (migrate) ended failed, its run.end entry says ok"},
		{"ended but no run.end", []Run{{1, "migrate", "ok"}, {2, "migrate", "ok"}}, UnrecordedRun, "run 2 (migrate) ended ok in sluice.runs, but the trail has no run.end entry"},
		{"running but ended", []Run{{1, "migrate", "running"}, {2, "migrate", "running"}}, RunStatus, "the trail says run 1 (migrate) ended ok, sluice.runs that it is still running"},
		{"listed without entries", []Run{{1, "migrate", "ok"}, {2, "migrate", "running"}, {3, "verify", "ok"}}, UnrecordedRun, "run 3 (verify) is in sluice.runs, but the trail has no run.start entry"},
		{"not listed", []Run{{2, "migrate", "running"}}, UnlistedRun, "the trail holds entries of run 1, which sluice.runs does not list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := verifyWith(t, pool, Options{CheckRuns: true, Runs: c.runs})
			if c.kind == "" {
				wantOK(t, rep)
				return
			}
			if len(rep.RunProblems) != 1 || rep.RunProblems[0].Kind != c.kind || !strings.Contains(rep.RunProblems[0].Detail, c.detail) {
				t.Fatalf("run problems %v, want %s: %s", rep.RunProblems, c.kind, c.detail)
			}
			if !strings.Contains(rep.String(), "runs: "+itoa(len(c.runs))+" in sluice.runs, 1 problem(s) with the trail") {
				t.Fatalf("report text:\n%s", rep)
			}
		})
	}
}
