package tds

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/microsoft/go-mssqldb"
)

const cdcScript = `CREATE DATABASE CDCTest
GO
USE CDCTest
GO
ALTER DATABASE CDCTest SET ALLOW_SNAPSHOT_ISOLATION ON
CREATE TABLE dbo.a (id int PRIMARY KEY, v varchar(40));
CREATE TABLE dbo.other (id int PRIMARY KEY);
INSERT INTO dbo.a VALUES (1, 'one');
GO
EXEC sys.sp_cdc_enable_db
GO
EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'a', @role_name = NULL
GO
`

// cdcServer serves cdcScript and returns a client of it.
func cdcServer(t *testing.T) *sql.DB {
	t.Helper()
	dbs, err := LoadScript(cdcScript)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(dbs...)
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	db, err := sql.Open("sqlserver", "sqlserver://sa:x@"+srv.Addr()+"?database=CDCTest&encrypt=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// changeRows reads every change of dbo.a as "lsn seq op id v" lines,
// with LSNs and seqvals numbered in order of appearance.
func changeRows(t *testing.T, db *sql.DB, filter string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT __$start_lsn, __$seqval, __$operation, id, v
		FROM cdc.fn_cdc_get_all_changes_dbo_a(sys.fn_cdc_get_min_lsn('dbo_a'), sys.fn_cdc_get_max_lsn(), @p1)
		ORDER BY __$start_lsn, __$seqval, __$operation`, filter)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names := map[string]int{}
	num := func(b []byte) int {
		k := fmt.Sprintf("%x", b)
		if _, ok := names[k]; !ok {
			names[k] = len(names) + 1
		}
		return names[k]
	}
	var out []string
	for rows.Next() {
		var lsn, seq []byte
		var op, id int64
		var v sql.NullString
		if err := rows.Scan(&lsn, &seq, &op, &id, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("L%d S%d %d %d %s", num(lsn), num(seq), op, id, v.String))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Inserts, updates (a key update as a delete and an insert) and deletes
// through the server are recorded with one commit LSN per transaction.
func TestCDCRecordsChanges(t *testing.T) {
	db := cdcServer(t)
	execAll(t, db,
		"INSERT INTO dbo.a VALUES (2, 'two'), (3, 'three')",
		"BEGIN TRANSACTION; UPDATE dbo.a SET v = 'uno' WHERE id = 1; UPDATE a SET id = 20 WHERE id = 2; DELETE FROM a WHERE id = 3; COMMIT TRANSACTION",
		"INSERT INTO dbo.other VALUES (9)",
	)
	got := strings.Join(changeRows(t, db, "all update old"), "\n")
	want := strings.Join([]string{
		"L1 S2 2 2 two", "L1 S3 2 3 three",
		"L4 S5 3 1 one", "L4 S5 4 1 uno", "L4 S6 1 2 two", "L4 S7 2 20 two", "L4 S8 1 3 three",
	}, "\n")
	if got != want {
		t.Fatalf("changes\n%s\nwant\n%s", got, want)
	}
	if all := changeRows(t, db, "all"); len(all) != 6 {
		t.Fatalf("'all' gave %d rows, want the 6 without the before image: %v", len(all), all)
	}
	var enabled, tracked, otherTracked bool
	if err := db.QueryRow("SELECT is_cdc_enabled FROM sys.databases WHERE name = DB_NAME()").Scan(&enabled); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT is_tracked_by_cdc FROM sys.tables WHERE name = 'a'").Scan(&tracked); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT is_tracked_by_cdc FROM sys.tables WHERE name = 'other'").Scan(&otherTracked); err != nil {
		t.Fatal(err)
	}
	if !enabled || !tracked || otherTracked {
		t.Fatalf("is_cdc_enabled %v, a tracked %v, other tracked %v", enabled, tracked, otherTracked)
	}
}

// A snapshot transaction reads the rows and the maximum LSN as they were
// when it began; a connection reset ends it.
func TestSnapshotTransactionFreezesRowsAndLSN(t *testing.T) {
	db := cdcServer(t)
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "SET TRANSACTION ISOLATION LEVEL SNAPSHOT; BEGIN TRANSACTION"); err != nil {
		t.Fatal(err)
	}
	var before []byte
	if err := conn.QueryRowContext(t.Context(), "SELECT sys.fn_cdc_get_max_lsn()").Scan(&before); err != nil {
		t.Fatal(err)
	}
	execAll(t, db, "INSERT INTO a VALUES (5, 'five')")
	var n int
	var during []byte
	if err := conn.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM a").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(t.Context(), "SELECT sys.fn_cdc_get_max_lsn()").Scan(&during); err != nil {
		t.Fatal(err)
	}
	if n != 1 || string(during) != string(before) {
		t.Fatalf("the snapshot sees %d rows and max LSN %x (began at %x), want 1 and no change", n, during, before)
	}
	if _, err := conn.ExecContext(t.Context(), "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM a").Scan(&n); err != nil || n != 2 {
		t.Fatalf("after the commit: %d rows (%v), want 2", n, err)
	}
}

// What the subset does not do is an error that names it.
func TestCDCUnsupportedIsNamed(t *testing.T) {
	db := cdcServer(t)
	for stmt, want := range map[string]string{
		"SELECT * FROM cdc.fn_cdc_get_net_changes_dbo_a(0x00, 0x00, 'all')": "net changes",
		"BEGIN TRANSACTION; INSERT INTO a VALUES (7, 'x'); ROLLBACK":        "cannot roll back",
		"MERGE a USING other ON 1 = 1":                                      "does not support MERGE",
		"SELECT * FROM cdc.fn_cdc_get_all_changes_dbo_a(0x00, 0x00, 'all')": "insufficient number of arguments",
	} {
		if _, err := db.Exec(stmt); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", stmt, err, want)
		}
	}
}
