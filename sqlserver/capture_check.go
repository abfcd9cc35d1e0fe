package sqlserver

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/sluicedb/sluice"
)

var _ sluice.ChangeSource = (*Source)(nil)

// CheckCapture reports what reading spec's changes from SQL Server's change
// data capture needs and the database lacks: CDC enabled on the database
// and on each table, with a capture instance that has every column of the
// table, and the SQL Server Agent running (the capture job that fills the
// change tables runs in it). Sluice enables none of it itself: enabling
// CDC needs sysadmin (the database) or db_owner (a table), and creates
// jobs and tables on the source that its owners must decide about. A
// capture instance with a gating role, and an Agent whose state cannot be
// read, are warnings.
//
// A database with Change Tracking and not CDC is captured from Change
// Tracking instead (capture_tracking.go), and checked for that.
func (s *Source) CheckCapture(ctx context.Context, spec sluice.CaptureSpec) ([]sluice.CaptureProblem, error) {
	mode, err := s.captureMode(ctx)
	if err != nil {
		return nil, fmt.Errorf("check capture on %s: %w", s.name, classify(err))
	}
	if mode == modeTracking {
		return s.trackingProblems(ctx, spec)
	}
	enabled := mode == modeCDC
	var problems []sluice.CaptureProblem
	var instances map[int64][]captureInstance
	if !enabled {
		problems = append(problems, sluice.CaptureProblem{Check: "database " + s.database + ": change data capture",
			Found: "not enabled (sys.databases.is_cdc_enabled = 0), nor Change Tracking",
			Fix: "as a member of sysadmin: USE " + quoteIdent(s.database) + "; EXEC sys.sp_cdc_enable_db; (or, for Change Tracking, which gives keys and reads rows as they are now: ALTER DATABASE " +
				quoteIdent(s.database) + " SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 3 DAYS, AUTO_CLEANUP = ON); and ALTER TABLE ... ENABLE CHANGE_TRACKING per table)"})
	} else if instances, err = s.captureInstances(ctx); permissionDenied(err) {
		return append(problems, sluice.CaptureProblem{Check: "privilege SELECT on schema cdc", Found: "denied: " + err.Error(),
			Fix: "GRANT SELECT ON SCHEMA::cdc TO <the login's user> (reading changes also needs SELECT on each captured table, and membership of an instance's gating role)"}), nil
	} else if err != nil {
		return nil, fmt.Errorf("check capture on %s: %w", s.name, classify(err))
	}
	for _, name := range spec.Tables {
		t, err := s.table(ctx, name)
		if err != nil {
			problems = append(problems, sluice.CaptureProblem{Check: "table " + name, Found: "no such table in database " + s.database, Fix: "capture only tables that exist"})
			continue
		}
		problems = append(problems, tableProblems(name, t, instances[t.objectID], enabled)...)
	}
	if enabled {
		problems = append(problems, s.agentProblems(ctx)...)
	}
	return problems, nil
}

// captureInstance is a row of cdc.change_tables with its captured columns.
type captureInstance struct {
	name     string
	sourceID int64
	startLSN [10]byte
	role     string
	columns  map[string]bool
}

// captureInstances reads the database's capture instances by their
// source table's object_id, each with the columns it captures.
func (s *Source) captureInstances(ctx context.Context) (map[int64][]captureInstance, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT object_id, source_object_id, capture_instance, start_lsn, role_name FROM cdc.change_tables")
	if err != nil {
		return nil, fmt.Errorf("read cdc.change_tables: %w", err)
	}
	byChangeTable := map[int64]*captureInstance{}
	var order []int64
	for rows.Next() {
		var id int64
		var ci captureInstance
		var lsn []byte
		var role sql.NullString
		if err := rows.Scan(&id, &ci.sourceID, &ci.name, &lsn, &role); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read cdc.change_tables: %w", err)
		}
		if ci.startLSN, err = lsnOf(lsn); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read cdc.change_tables: instance %s: %w", ci.name, err)
		}
		ci.role, ci.columns = role.String, map[string]bool{}
		byChangeTable[id] = &ci
		order = append(order, id)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read cdc.change_tables: %w", err)
	}
	if err := s.capturedColumns(ctx, byChangeTable); err != nil {
		return nil, err
	}
	out := map[int64][]captureInstance{}
	for _, id := range order {
		ci := byChangeTable[id]
		out[ci.sourceID] = append(out[ci.sourceID], *ci)
	}
	return out, nil
}

func (s *Source) capturedColumns(ctx context.Context, byChangeTable map[int64]*captureInstance) error {
	rows, err := s.db.QueryContext(ctx, "SELECT object_id, column_name FROM cdc.captured_columns")
	if err != nil {
		return fmt.Errorf("read cdc.captured_columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("read cdc.captured_columns: %w", err)
		}
		if ci := byChangeTable[id]; ci != nil {
			ci.columns[name] = true
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read cdc.captured_columns: %w", err)
	}
	return nil
}

// pickInstance chooses a table's capture instance: the newest of those
// (at most two) that capture every column; else the newest, with the
// columns it lacks.
func pickInstance(t *tableInfo, instances []captureInstance) (captureInstance, []string, bool) {
	var best, newest captureInstance
	found := false
	for i, ci := range instances {
		if i == 0 || bytes.Compare(ci.startLSN[:], newest.startLSN[:]) > 0 {
			newest = ci
		}
		if len(lacking(t, ci)) == 0 && (!found || bytes.Compare(ci.startLSN[:], best.startLSN[:]) > 0) {
			best, found = ci, true
		}
	}
	if found {
		return best, nil, true
	}
	return newest, lacking(t, newest), false
}

func lacking(t *tableInfo, ci captureInstance) []string {
	var out []string
	for _, c := range t.columns {
		if !ci.columns[c.name] {
			out = append(out, c.name)
		}
	}
	return out
}

func tableProblems(name string, t *tableInfo, instances []captureInstance, dbEnabled bool) []sluice.CaptureProblem {
	enable := fmt.Sprintf("EXEC sys.sp_cdc_enable_table @source_schema = %s, @source_name = %s, @role_name = NULL;",
		nString(t.schema), nString(t.name))
	check := "table " + name + ": change data capture"
	if len(instances) == 0 {
		fix := "as db_owner: " + enable
		if !dbEnabled {
			fix = "once the database is enabled, as db_owner: " + enable
		}
		return []sluice.CaptureProblem{{Check: check, Found: "not tracked (sys.tables.is_tracked_by_cdc = 0)", Fix: fix}}
	}
	ci, missing, ok := pickInstance(t, instances)
	if !ok {
		return []sluice.CaptureProblem{{Check: check, Found: fmt.Sprintf("capture instance %s lacks column(s) %s (added after it was created)", ci.name, strings.Join(missing, ", ")),
			Fix: fmt.Sprintf("create a capture instance with every column: EXEC sys.sp_cdc_enable_table @source_schema = %s, @source_name = %s, @role_name = NULL, @capture_instance = %s; then drop %s with sys.sp_cdc_disable_table",
				nString(t.schema), nString(t.name), nString(t.schema+"_"+t.name+"_v2"), nString(ci.name))}}
	}
	if ci.role != "" {
		return []sluice.CaptureProblem{{Check: check, Found: "capture instance " + ci.name + " is gated by role " + ci.role, Warning: true,
			Fix: "the login must be a member of " + quoteIdent(ci.role) + " (or db_owner) to read its changes: ALTER ROLE " + quoteIdent(ci.role) + " ADD MEMBER <user>"}}
	}
	return nil
}

// agentProblems checks that the SQL Server Agent runs: CDC's capture job
// runs in it, and without it the change tables stay empty. Reading its
// state needs VIEW SERVER STATE; without it (or on a server without the
// view) the check is a warning.
func (s *Source) agentProblems(ctx context.Context) []sluice.CaptureProblem {
	rows, err := s.db.QueryContext(ctx, "SELECT servicename, status_desc FROM sys.dm_server_services")
	if err != nil {
		return []sluice.CaptureProblem{{Check: "SQL Server Agent", Found: "its state cannot be read: " + err.Error(), Warning: true,
			Fix: "make sure SQL Server Agent runs (CDC's capture job runs in it), or GRANT VIEW SERVER STATE so that this can be checked"}}
	}
	defer rows.Close()
	status := ""
	for rows.Next() {
		var name, st string
		if err := rows.Scan(&name, &st); err == nil && strings.HasPrefix(name, "SQL Server Agent") {
			status = st
		}
	}
	if status == "Running" {
		return nil
	}
	if status == "" {
		status = "not installed"
	}
	return []sluice.CaptureProblem{{Check: "SQL Server Agent", Found: status,
		Fix: "start SQL Server Agent and its job cdc." + s.database + "_capture: the capture job fills the change tables"}}
}

// permissionDenied reports SQL Server's error 229: a SELECT the login
// lacks.
func permissionDenied(err error) bool {
	var msErr mssql.Error
	return errors.As(err, &msErr) && msErr.Number == 229
}

// nString is a T-SQL Unicode string literal.
func nString(s string) string { return "N'" + strings.ReplaceAll(s, "'", "''") + "'" }

// problemsError joins the problems that stop capture into one error.
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
