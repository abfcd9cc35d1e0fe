package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/target"
)

// The whole session on Chinook, as the README tells it: init (with a
// password in the target URL), migrate, then status from the config and
// from the bare target URL, each showing every table done with its counts.
func TestMigrateThenStatusOnChinook(t *testing.T) {
	t.Parallel()
	const pw = "Chin00k-pw"
	target := sluicetest.NewPostgresDB(t)
	dir := t.TempDir()
	in := invocation{dir: dir, env: []string{"TARGET_PASSWORD=" + pw}}
	r := in.run(t, "init", "--source", "chinook="+chinookSQLite(t), "--target", withPassword(t, target, pw), "--keys", "uuid")
	wantCode(t, r, 0)
	writeFile(t, dir, "sluice.yaml", r.stdout)

	m := in.run(t, "migrate", "--progress", "log")
	wantCode(t, m, 0)
	mustNotContain(t, m, pw)
	checkSummary(t, m.stdout, false)

	s := in.run(t, "status")
	wantCode(t, s, 0)
	mustNotContain(t, s, pw)
	checkStatus(t, s.stdout)

	summaryMatchesStatus(t, m.stdout, s.stdout)

	bare := invocation{dir: t.TempDir()}.run(t, "status", "--target", target)
	wantCode(t, bare, 0)
	checkStatus(t, bare.stdout)

	// A second migrate finds everything done and reports the same counts.
	again := in.run(t, "migrate", "--progress", "none")
	wantCode(t, again, 0)
	checkSummary(t, again.stdout, true)
}

// summaryMatchesStatus: after a run that loaded every table from its
// start, the summary and status give each table the same source rows,
// read, loaded, rejected, filtered and chunks.
func summaryMatchesStatus(t *testing.T, summary, status string) {
	t.Helper()
	st := tableLines(status, "chinook.")
	for id, f := range tableLines(summary, "chinook.") {
		s := st[id]
		chunks, _, _ := strings.Cut(s[10], "/")
		// summary: id, target, source rows, read, loaded, rejected, filtered, chunks
		// status:  id, target, state, source rows, read, loaded, unchanged, rejected, filtered, %, chunks
		want := []string{s[3], s[4], s[5], s[7], s[8], chunks}
		if got := f[2:8]; !slices.Equal(got, want) {
			t.Errorf("%s: the summary says %q, status %q", id, got, want)
		}
	}
}

// checkSummary asserts migrate's summary has a line per Chinook table with
// its source rows all loaded, in this run or (rerun) an earlier one.
func checkSummary(t *testing.T, out string, rerun bool) {
	t.Helper()
	lines := tableLines(out, "chinook.")
	for table, rows := range sluicetest.ChinookRows {
		f, ok := lines["chinook."+table]
		if !ok {
			t.Errorf("the summary has no line for chinook.%s:\n%s", table, out)
			continue
		}
		n, now := strconv.FormatInt(rows, 10), strconv.FormatInt(rows, 10)
		chunks := "1"
		if rerun { // this run read and loaded nothing of it
			now, chunks = "0", "0"
		}
		// source table, target, source rows, read, loaded, rejected, filtered, chunks, time
		if f[2] != n || f[3] != now || f[4] != now || f[5] != "0" || f[6] != "0" || f[7] != chunks {
			t.Errorf("summary line of chinook.%s is %q (rerun: %v), want %s source rows, %s read and loaded in %s chunk", table, f, rerun, n, now, chunks)
		}
		if rerun != (strings.Join(f[8:], " ") == "earlier run") {
			t.Errorf("summary line of chinook.%s is %q (rerun: %v)", table, f, rerun)
		}
	}
}

// checkStatus asserts a finished run 1 and every Chinook table done with
// all its rows loaded.
func checkStatus(t *testing.T, out string) {
	t.Helper()
	if !strings.HasPrefix(out, "run 1: ok, finished ") {
		t.Errorf("status does not start with the finished run 1:\n%s", out)
	}
	lines := tableLines(out, "chinook.")
	if len(lines) != len(sluicetest.ChinookRows) {
		t.Errorf("status shows %d tables, want %d:\n%s", len(lines), len(sluicetest.ChinookRows), out)
	}
	for table, rows := range sluicetest.ChinookRows {
		f, ok := lines["chinook."+table]
		if !ok {
			t.Errorf("status has no line for chinook.%s:\n%s", table, out)
			continue
		}
		n := strconv.FormatInt(rows, 10)
		// table, target, state, source rows, read, loaded, unchanged, rejected, filtered, %, chunks, updated
		if f[2] != "done" || f[3] != n || f[4] != n || f[5] != n || f[6] != "0" || f[7] != "0" || f[8] != "0" || f[9] != "100" || f[10] != "1/1" {
			t.Errorf("status of chinook.%s is %q, want done, %s source rows read and loaded, 0 unchanged, 0 rejected, 0 filtered, 100%%, chunks 1/1", table, f, n)
		}
	}
}

// tableLines are the fields of the lines whose first field starts with
// prefix, by that first field.
func tableLines(out, prefix string) map[string][]string {
	lines := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.HasPrefix(f[0], prefix) {
			lines[f[0]] = f
		}
	}
	return lines
}

// Status against a database where sluice never ran says so, and is not an
// error: "is anything running there?" has an answer.
func TestStatusOnAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	r := runSluice(t, "status", "--target", sluicetest.NewPostgresDB(t))
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != "no migration has run against this target yet" {
		t.Errorf("want the note that no migration has run, got:\n%s", r)
	}
}

// A run's status is said once: "running, started ..." while it runs, and
// "<status>, finished ..., started ..." once it ended.
func TestPrintRunSaysTheStatusOnce(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)
	end := start.Add(time.Minute)
	for _, c := range []struct {
		run  target.RunInfo
		want string
	}{
		{target.RunInfo{ID: 7, Status: "running", StartedAt: start, OSUser: "ann", Host: "h", PID: 9},
			"run 7: running, started 2026-03-01 10:00:00 by ann@h (pid 9)\n\n"},
		{target.RunInfo{ID: 8, Status: "interrupted", StartedAt: start, FinishedAt: &end, OSUser: "ann", Host: "h", PID: 9},
			"run 8: interrupted, finished 2026-03-01 10:01:00, started 2026-03-01 10:00:00 by ann@h (pid 9)\n\n"},
	} {
		var b strings.Builder
		printRun(&b, &c.run)
		if b.String() != c.want {
			t.Errorf("printRun wrote %q, want %q", b.String(), c.want)
		}
	}
}

// A mapping renamed in the config (here the source's name) leaves its old
// tables out of status's table: they are listed as no longer in the config.
func TestStatusRetiresRenamedMappings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := newSQLite(t, filepath.Join(dir, "shop.db"), `CREATE TABLE Items (Id INTEGER PRIMARY KEY, Name TEXT);
INSERT INTO Items VALUES (1, 'a'), (2, 'b');`)
	tgt := sluicetest.NewPostgresDB(t)
	in := invocation{dir: dir}
	config := func(source, table string) {
		writeFile(t, dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  %s: {url: %q}\ntarget: {url: %q}\ntables:\n  %s.Items: {target: %s}\n", source, src, tgt, source, table))
	}
	config("shop", "items")
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	config("store", "store_items")
	wantCode(t, in.run(t, "migrate", "--progress", "none"), 0)
	s := in.run(t, "status")
	wantCode(t, s, 0)
	lines := tableLines(s.stdout, "")
	if _, ok := lines["store.Items"]; !ok {
		t.Errorf("status does not show store.Items:\n%s", s.stdout)
	}
	head, retired, _ := strings.Cut(s.stdout, "no longer in the config")
	if strings.Contains(head, "shop.Items") || !strings.Contains(retired, "shop.Items -> items") {
		t.Errorf("status shows the renamed mapping shop.Items as current, or not as retired:\n%s", s.stdout)
	}
}

// A source Sluice froze, or was freezing when it stopped, is said first.
func TestStatusShowsSourcesLeftFrozen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := sluicetest.NewPostgresDB(t)
	tgt, err := target.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close()
	if err := tgt.EnsureState(ctx); err != nil {
		t.Fatal(err)
	}
	for _, source := range []string{"clinic", "billing"} {
		if _, err := tgt.BeginFreeze(ctx, source, "mysql", map[string]string{"read_only": "OFF"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tgt.FrozeAt(ctx, "clinic", "0-1-42@binlog.000002:900", []sluice.Session{{ID: "8", User: "boss"}, {ID: "9", User: "app", Ended: true}}); err != nil {
		t.Fatal(err)
	}
	r := runSluice(t, "status", "--target", url)
	wantCode(t, r, 0)
	for _, want := range []string{
		"sources frozen by Sluice (writes stopped; sluice rollback unfreezes them):\n",
		"  billing (mysql): being frozen since ",
		"which stopped before recording the freeze position: the source may be read-only\n",
		"  clinic (mysql): frozen since ",
		", at position 0-1-42@binlog.000002:900; 1 sessions the freeze does not stop\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
	if err := tgt.Thawed(ctx, "clinic"); err != nil {
		t.Fatal(err)
	}
	if r := runSluice(t, "status", "--target", url); strings.Contains(r.stdout, "clinic (mysql)") {
		t.Errorf("a thawed source is still shown frozen:\n%s", r.stdout)
	}
}
