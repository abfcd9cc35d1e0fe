package sluicetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// servicesDryRun runs scripts/services.sh in dry-run mode against the
// servers on pgPort and myPort: it reads their settings and says what it
// would change and restart, and changes nothing.
func servicesDryRun(t *testing.T, pgPort, myPort int) string {
	t.Helper()
	script, err := filepath.Abs("../scripts/services.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Env = append(os.Environ(), "SLUICE_SERVICES_DRY_RUN=1",
		"SLUICE_SERVICES_PG_PORT="+strconv.Itoa(pgPort), "SLUICE_SERVICES_MY_PORT="+strconv.Itoa(myPort),
		"SLUICE_SERVICES_MY_CNF="+filepath.Join(t.TempDir(), "capture.cnf"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("services.sh: %v\n%s", err, out)
	}
	return string(out)
}

// On servers already set up for capture the script changes nothing and
// restarts nothing.
func TestServicesScriptLeavesConfiguredServersAlone(t *testing.T) {
	pg, err := StartPrivatePostgres()
	if err != nil {
		Unavailable(t, "a private PostgreSQL", err)
	}
	defer pg.Stop()
	my, err := StartPrivateMariaDB()
	if err != nil {
		Unavailable(t, "a private MariaDB", err)
	}
	defer my.Stop()
	out := servicesDryRun(t, pg.Port, my.Port)
	for _, want := range []string{"wal_level is logical", "the binlog is on (ROW, FULL, server_id 1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "restart") || strings.Contains(out, "would run: write_my_cnf") {
		t.Errorf("the script would change configured servers:\n%s", out)
	}
}

// On the shared servers as they run, the script would do exactly what
// their settings call for: ALTER SYSTEM and one restart where wal_level
// is not logical, the option file and one restart where the binlog is off.
// (Dry run: the shared servers are never restarted by a test.)
func TestServicesScriptWouldConfigureTheSharedServers(t *testing.T) {
	level, slots, logBin := sharedCaptureSettings(t)
	out := servicesDryRun(t, 5432, 3306)
	pgWants := []string{"would run: pg_sql ALTER SYSTEM SET wal_level = logical", "would run: pg_sql ALTER SYSTEM SET max_replication_slots = 40", "main restart"}
	if level == "logical" && slots >= 40 {
		pgWants = []string{"wal_level is logical, " + strconv.Itoa(slots) + " replication slots"}
	}
	myWants := []string{"would run: write_my_cnf", "would run: mariadb-admin -h 127.0.0.1 -P 3306 -uroot shutdown", "would start mariadbd again"}
	if logBin == 1 {
		myWants = []string{"MariaDB: "}
	}
	for _, want := range append(pgWants, myWants...) {
		if !strings.Contains(out, want) {
			t.Errorf("wal_level %s, %d slots, log_bin %d: output lacks %q:\n%s", level, slots, logBin, want, out)
		}
	}
	if logBin == 1 && strings.Contains(out, "shutdown") {
		t.Errorf("the binlog is on, yet the script would restart MariaDB:\n%s", out)
	}
}

// sharedCaptureSettings reads the shared servers' wal_level,
// max_replication_slots and log_bin.
func sharedCaptureSettings(t *testing.T) (string, int, int) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		Unavailable(t, "PostgreSQL", err)
	}
	defer conn.Close(ctx)
	var level string
	var slots int
	if err := conn.QueryRow(ctx, "SELECT current_setting('wal_level'), current_setting('max_replication_slots')::int").Scan(&level, &slots); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", MySQLDSN(t, MySQLURL()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logBin int
	if err := db.QueryRow("SELECT @@log_bin").Scan(&logBin); err != nil {
		Unavailable(t, "MariaDB", fmt.Errorf("read @@log_bin: %w", err))
	}
	return level, slots, logBin
}
