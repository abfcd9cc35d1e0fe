package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sluicedb/sluice"
)

var _ sluice.ChangeSource = (*Source)(nil)

// CheckCapture reports what reading spec's changes from the binlog needs
// and the server lacks: MariaDB, log_bin on, binlog_format ROW,
// binlog_row_image FULL, uncompressed events, a server_id that is not the
// stream's, the privileges REPLICATION SLAVE, BINLOG MONITOR (REPLICATION
// CLIENT before MariaDB 10.5) and SELECT, the tables; and, as a warning,
// a binlog kept less than a day.
func (s *Source) CheckCapture(ctx context.Context, spec sluice.CaptureSpec) ([]sluice.CaptureProblem, error) {
	vars, err := s.serverVariables(ctx)
	if err != nil {
		return nil, fmt.Errorf("check capture on %s: %w", s.name, classify(err))
	}
	if !strings.Contains(vars["version"], "MariaDB") {
		return []sluice.CaptureProblem{{Check: "server", Found: "MySQL " + vars["version"],
			Fix: "capture from the binlog reads MariaDB only for now; sync this source by merge reruns"}}, nil
	}
	problems := binlogProblems(vars, serverID(spec))
	privs, err := s.privileges(ctx)
	if err != nil {
		return nil, fmt.Errorf("check capture on %s: read privileges: %w", s.name, classify(err))
	}
	problems = append(problems, privilegeProblems(privs)...)
	missing, err := s.missingTables(ctx, spec.Tables)
	if err != nil {
		return nil, fmt.Errorf("check capture on %s: %w", s.name, classify(err))
	}
	for _, t := range missing {
		problems = append(problems, sluice.CaptureProblem{Check: "table " + t, Found: "no such table in database " + s.database, Fix: "capture only tables that exist"})
	}
	return problems, nil
}

func (s *Source) serverVariables(ctx context.Context) (map[string]string, error) {
	names := []string{"version", "log_bin", "binlog_format", "binlog_row_image", "server_id", "log_bin_compress",
		"binlog_expire_logs_seconds", "expire_logs_days"}
	out := map[string]string{}
	for _, n := range names {
		var v sql.NullString
		err := s.db.QueryRowContext(ctx, "SELECT @@global."+n).Scan(&v)
		if err != nil && !strings.Contains(err.Error(), "Unknown system variable") {
			return nil, fmt.Errorf("read @@%s: %w", n, err)
		}
		out[n] = v.String
	}
	return out, nil
}

// binlogProblems checks the server's binlog settings against what a
// stream with this server id needs.
func binlogProblems(vars map[string]string, id uint32) []sluice.CaptureProblem {
	var out []sluice.CaptureProblem
	add := func(check, found, fix string) {
		out = append(out, sluice.CaptureProblem{Check: check, Found: found, Fix: fix})
	}
	if vars["log_bin"] != "1" && !strings.EqualFold(vars["log_bin"], "ON") {
		add("log_bin", "OFF", "start mariadbd with log_bin (log-bin=mysql-bin under [mariadbd] in my.cnf); it needs a restart")
	}
	if !strings.EqualFold(vars["binlog_format"], "ROW") {
		add("binlog_format", vars["binlog_format"], "SET GLOBAL binlog_format = 'ROW' and binlog_format=ROW in my.cnf; sessions already open keep their format until they reconnect")
	}
	if !strings.EqualFold(vars["binlog_row_image"], "FULL") {
		add("binlog_row_image", vars["binlog_row_image"], "SET GLOBAL binlog_row_image = 'FULL' and binlog_row_image=FULL in my.cnf")
	}
	if vars["server_id"] == "0" || vars["server_id"] == strconv.FormatUint(uint64(id), 10) {
		add("server_id", vars["server_id"], fmt.Sprintf("give the server a server_id other than 0 and %d (the stream's), in my.cnf", id))
	}
	if vars["log_bin_compress"] == "1" || strings.EqualFold(vars["log_bin_compress"], "ON") {
		add("log_bin_compress", "ON", "SET GLOBAL log_bin_compress = OFF and log_bin_compress=OFF in my.cnf: compressed events cannot be read")
	}
	if keep := binlogRetention(vars); keep > 0 && keep < 86400 {
		out = append(out, sluice.CaptureProblem{Check: "binlog retention", Warning: true,
			Found: fmt.Sprintf("binlogs are purged after %d seconds", keep),
			Fix:   "SET GLOBAL binlog_expire_logs_seconds = 604800 (a week): a capture stopped longer than the retention cannot resume"})
	}
	return out
}

// binlogRetention is how long binlogs are kept, in seconds; 0 is forever.
func binlogRetention(vars map[string]string) int64 {
	if secs, err := strconv.ParseInt(vars["binlog_expire_logs_seconds"], 10, 64); err == nil && secs > 0 {
		return secs
	}
	days, _ := strconv.ParseFloat(vars["expire_logs_days"], 64)
	return int64(days * 86400)
}

// privileges lists the global privileges of the current user.
func (s *Source) privileges(ctx context.Context) ([]string, error) {
	const q = `SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES
		WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, strings.ToUpper(p))
	}
	return out, rows.Err()
}

func privilegeProblems(privs []string) []sluice.CaptureProblem {
	monitor := "BINLOG MONITOR"
	if !slices.Contains(privs, monitor) && slices.Contains(privs, "REPLICATION CLIENT") {
		monitor = "REPLICATION CLIENT" // its name before MariaDB 10.5
	}
	var out []sluice.CaptureProblem
	for _, need := range []string{"REPLICATION SLAVE", monitor} {
		if !slices.Contains(privs, need) {
			out = append(out, sluice.CaptureProblem{Check: "privilege " + need, Found: "the user does not have it",
				Fix: "GRANT " + need + " ON *.* TO <user>"})
		}
	}
	return out
}

func (s *Source) missingTables(ctx context.Context, tables []string) ([]string, error) {
	var missing []string
	for _, t := range tables {
		var n int
		const q = `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`
		if err := s.db.QueryRowContext(ctx, q, s.database, t).Scan(&n); err != nil {
			return nil, fmt.Errorf("look for table %s: %w", t, err)
		}
		if n == 0 {
			missing = append(missing, t)
		}
	}
	return missing, nil
}

// problemsError makes one error of the blocking problems, nil when none.
func problemsError(what string, problems []sluice.CaptureProblem) error {
	var lines []string
	for _, p := range problems {
		if !p.Warning {
			lines = append(lines, fmt.Sprintf("%s: %s; fix: %s", p.Check, p.Found, p.Fix))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", what, strings.Join(lines, "; "))
}
