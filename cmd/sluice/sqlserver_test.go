package main

import (
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// TestSQLServerSourceThroughEveryCommand runs the binary on Chinook served
// by the TDS test server, with a password in the source URL: init, plan,
// migrate, verify, trace, and a merge rerun that writes nothing. The
// password is never printed.
func TestSQLServerSourceThroughEveryCommand(t *testing.T) {
	t.Parallel()
	const pw = "Sq1-s3cret"
	src := strings.Replace(sluicetest.ChinookTDS(t), "sa:test@", "sa:"+pw+"@", 1)
	dir := t.TempDir()
	in := invocation{dir: dir, env: []string{"CHINOOK_PASSWORD=" + pw}}
	r := in.run(t, "init", "--source", "chinook="+src, "--target", sluicetest.NewPostgresDB(t),
		"--keys", "uuid", "--naming", "snake_case", "--strategy", "merge", "--chunk-rows", "1000")
	wantCode(t, r, 0)
	mustNotContain(t, r, pw)
	if !strings.Contains(r.stdout, "${CHINOOK_PASSWORD}") || !strings.Contains(r.stdout, "chinook.PlaylistTrack:") {
		t.Fatalf("init wrote no password reference or no PlaylistTrack:\n%s", r.stdout)
	}
	writeFile(t, dir, "sluice.yaml", r.stdout)

	for _, args := range [][]string{{"plan"}, {"migrate", "--progress", "none"}, {"verify"}} {
		r := in.run(t, args...)
		wantCode(t, r, 0)
		mustNotContain(t, r, pw)
	}
	l := traceJSON(t, in, "track", "1", pw)
	if l.Source.Key != "1" || len(l.Rows) != 1 {
		t.Errorf("trace track 1: source key %q, %d rows", l.Source.Key, len(l.Rows))
	}
	rerun := in.run(t, "migrate", "--progress", "none")
	wantCode(t, rerun, 0)
	checkNothingWritten(t, rerun.stdout+rerun.stderr, 2)
}
