package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/demo"
	"github.com/sluicedb/sluice/sluicetest"
)

// demoLiveDatabases names the live phase's databases for one test and drops
// them when it ends: the MariaDB source's URL and the PostgreSQL target's
// (the demo's target + "_live").
func demoLiveDatabases(t *testing.T, target string) (source, liveTarget string) {
	t.Helper()
	name := sluicetest.UniqueName("sluice_demo_live")
	source = strings.TrimSuffix(sluicetest.MySQLURL(), "/test") + "/" + name
	liveTarget, err := liveTargetURL(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sluicetest.ExecMySQL(t, sluicetest.MySQLURL(), "DROP DATABASE IF EXISTS "+name)
		sluicetest.ExecPostgres(t, sluicetest.PostgresURL(), "DROP DATABASE IF EXISTS "+databaseOf(t, liveTarget)+" WITH (FORCE)")
	})
	return source, liveTarget
}

func databaseOf(t *testing.T, raw string) string {
	t.Helper()
	_, name, _ := strings.Cut(strings.SplitN(raw, "?", 2)[0], "5432/")
	if name == "" {
		t.Fatalf("no database in %s", raw)
	}
	return name
}

// checkDemoLive: the demo's output shows every change arriving as the
// target has it; the target holds each change through the mapping (a
// renamed column, a TINYINT(1) as boolean, a computed name, foreign keys
// as the new patient's UUID) and verify finds it equal to the MariaDB
// source; sync was stopped and left nothing open: its run ended, no
// replication slot on the server for the demo's databases.
func checkDemoLive(t *testing.T, out, dir, target, liveTarget string) {
	t.Helper()
	for _, c := range demo.LiveChanges() {
		re := regexp.QuoteMeta(c.What) + `\s+arrived in \d+\.\d\d s\n\s+-> [^\n]+: ` + regexp.QuoteMeta(c.Want) + "\n"
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("the demo does not show %q arriving as %q:\n%s", c.What, c.Want, out)
		}
	}
	if !strings.Contains(out, "\nlive sync:\n") || !strings.Contains(out, "clinical  streaming") {
		t.Errorf("the demo does not show the stream's status:\n%s", out)
	}
	if !strings.Contains(out, "[ok  ] every source's stream started") || !strings.Contains(out, "\nready for cutover\n") {
		t.Errorf("the demo does not show cutover --check's checklist, all ready:\n%s", out)
	}
	conn := pgConn(t, liveTarget)
	got := pgRows(t, conn, `SELECT legacy_id, full_name, date_of_birth::text, is_active FROM patients WHERE legacy_id IN (7, 101, 102) ORDER BY 1`)
	want := []string{"7 | " + pgRows(t, conn, "SELECT full_name FROM patients WHERE legacy_id = 7")[0] + " | 1984-03-09 | false",
		"101 | Amara Okafor | 1990-04-12 | true", "102 | Lena Weber | 1957-11-30 | true"}
	if !slices.Equal(got, want) {
		t.Errorf("the changed patients on the target:\n%v\nwant:\n%v", got, want)
	}
	counts := pgRows(t, conn, `SELECT (SELECT count(*) FROM patients), (SELECT count(*) FROM visits),
		(SELECT count(*) FROM visits WHERE legacy_id = 12),
		(SELECT count(*) FROM visits v JOIN patients p ON p.patient_id = v.patient_id WHERE p.legacy_id = 102)`)
	if w := fmt.Sprintf("%d | %d | 0 | 2", demo.LivePatients+2, demo.LiveVisits+1); counts[0] != w {
		t.Errorf("patients | visits | visit 12 | visits of patient 102: %s, want %s", counts[0], w)
	}
	wantCode(t, runSluice(t, "verify", "--config", dir+"/sluice-live.yaml"), 0)
	if n := pgInt(t, conn, "SELECT count(*) FROM sluice.runs WHERE status = 'running'"); n != 0 {
		t.Errorf("%d runs of the live target are still running after the demo", n)
	}
	admin := pgConn(t, sluicetest.PostgresURL())
	slots := pgInt(t, admin, "SELECT count(*) FROM pg_replication_slots WHERE database = ANY($1)",
		[]string{databaseOf(t, target), databaseOf(t, liveTarget)})
	if slots != 0 {
		t.Errorf("%d replication slots left on the demo's databases", slots)
	}
}

// Without a MariaDB to follow, the live phase says what to run and the
// demo goes on: no error.
func TestDemoLiveSkipsWithoutMariaDB(t *testing.T) {
	var out, errs bytes.Buffer
	g := &globals{stdout: &out, stderr: &errs}
	f := &demoFlags{liveSource: "mysql://root@127.0.0.1:1/sluice_demo_live", target: "postgres://postgres@127.0.0.1:5432/unused"}
	if err := runLive(context.Background(), g, f, t.TempDir()); err != nil {
		t.Fatalf("the live phase without MariaDB: %v", err)
	}
	for _, want := range []string{"Skipped: MariaDB at mysql://root@127.0.0.1:1/sluice_demo_live cannot be reached", "./scripts/services.sh"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the skipped live phase does not say %q:\n%s", want, out.String())
		}
	}
}

// The live phase drops and recreates only a database it created: one
// without its mark is refused, and keeps its tables.
func TestDemoLiveKeepsOthersDatabases(t *testing.T) {
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, "CREATE TABLE Precious (id int PRIMARY KEY)")
	var out bytes.Buffer
	g := &globals{stdout: &out, stderr: &out}
	err := runLive(context.Background(), g, &demoFlags{liveSource: src, target: sluicetest.NewPostgresDB(t)}, t.TempDir())
	var usage usageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "the demo did not create it") {
		t.Fatalf("the live phase on a database it did not create: %v, want a refusal", err)
	}
	db := mysqlDB(t, src)
	if got := sqlStrings(t, db, "SHOW TABLES"); !slices.Equal(got, []string{"Precious"}) {
		t.Errorf("the refused database holds %v, want its table Precious", got)
	}
}

// A MariaDB without a binlog (as a fresh install starts) skips the live
// phase with what it lacks and what to run; the demo goes on.
func TestDemoLiveSkipsWithoutBinlog(t *testing.T) {
	srv, err := sluicetest.StartPrivateMariaDB("--skip-log-bin")
	if err != nil {
		sluicetest.Unavailable(t, "a private MariaDB without a binlog", err)
	}
	t.Cleanup(srv.Stop)
	var out bytes.Buffer
	g := &globals{stdout: &out, stderr: &out}
	f := &demoFlags{liveSource: srv.URL("sluice_demo_live"), target: sluicetest.NewPostgresDB(t)}
	if err := runLive(context.Background(), g, f, t.TempDir()); err != nil {
		t.Fatalf("the live phase on a MariaDB without a binlog: %v", err)
	}
	for _, want := range []string{"cannot be followed: log_bin is OFF", "./scripts/services.sh"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the skipped live phase does not say %q:\n%s", want, out.String())
		}
	}
}
