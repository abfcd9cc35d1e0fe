package mysql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

func sinkDB(t *testing.T) (string, *sql.DB) {
	t.Helper()
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, "CREATE TABLE patients (id int AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL, active tinyint(1), born date)")
	h, err := sql.Open("mysql", sluicetest.MySQLDSN(t, url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return url, h
}

func rowsOf(t *testing.T, h *sql.DB) string {
	t.Helper()
	rows, err := h.Query("SELECT id, name, coalesce(active, -1), coalesce(born, '-') FROM patients ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, active int
		var name, born string
		if err := rows.Scan(&id, &name, &active, &born); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %s %d %s", id, name, active, born))
	}
	return strings.Join(out, "; ")
}

var patientKey = []string{"id"}

func TestApplyWritesABatchOnceWithItsPosition(t *testing.T) {
	ctx := context.Background()
	url, h := sinkDB(t)
	src := openSource(t, url)
	defer src.Close()
	if err := src.PrepareSink(ctx); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	if err := src.PrepareSink(ctx); err != nil {
		t.Fatalf("prepare again: %v", err)
	}
	sluicetest.SinkAppliesBatchesOnce(t, src, sluicetest.SinkCase{Active: int64(1), Inactive: int64(0), Born: "1990-02-03",
		Generated: 41, Rows: func() string { return rowsOf(t, h) }, WantRows: "40 Ada L. 1 1990-02-03"})
}

func TestApplyOfAMissingRowWritesNothing(t *testing.T) {
	ctx := context.Background()
	url, h := sinkDB(t)
	src := openSource(t, url)
	defer src.Close()
	if err := src.PrepareSink(ctx); err != nil {
		t.Fatal(err)
	}
	batch := sluicetest.BatchAt(5,
		sluice.RowChange{Kind: sluice.ChangeInsert, Table: "patients", Key: patientKey, KeyValues: []any{int64(1)}, Columns: []string{"name"}, Values: []any{"kept out"}},
		sluice.RowChange{Kind: sluice.ChangeDelete, Table: "patients", Key: patientKey, KeyValues: []any{int64(99)}},
	)
	_, err := src.Apply(ctx, batch)
	var conflict *sluice.SinkConflictError
	if !errors.As(err, &conflict) || conflict.Table != "patients" || conflict.Key != "(99)" {
		t.Fatalf("apply: %v, want a conflict on patients key (99)", err)
	}
	if got := rowsOf(t, h); got != "" {
		t.Fatalf("rows after a failed batch: %q, want none", got)
	}
	if pos, err := src.SinkPosition(ctx, "mig"); err != nil || pos != "" {
		t.Fatalf("position after a failed batch: %q, %v; want none", pos, err)
	}
	if err := src.DropSink(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := h.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sluice_reverse'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("sluice_reverse after DropSink: %d, %v", n, err)
	}
}

func TestCheckSinkNamesMissingWriteRights(t *testing.T) {
	ctx := context.Background()
	srv := privateServer(t)
	db, src := captureDB(t, srv, "CREATE TABLE patients (id int PRIMARY KEY, name text)")
	reader := sluicetest.UniqueName("reader")
	if err := srv.ExecPrivate("mysql", fmt.Sprintf("CREATE USER '%[1]s'@'%%'; GRANT SELECT, UPDATE ON %[2]s.* TO '%[1]s'@'%%'", reader, db)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.ExecPrivate("mysql", "DROP USER '"+reader+"'@'%'") })
	if problems, err := src.CheckSink(ctx, []string{"patients"}); err != nil || len(problems) != 0 {
		t.Fatalf("root: %+v, %v; want none", problems, err)
	}
	ro := openSource(t, fmt.Sprintf("mysql://%s@127.0.0.1:%d/%s", reader, srv.Port, db))
	defer ro.Close()
	problems, err := ro.CheckSink(ctx, []string{"patients", "gone"})
	if err != nil {
		t.Fatal(err)
	}
	var checks []string
	for _, p := range problems {
		checks = append(checks, p.Check)
	}
	want := "privilege INSERT on patients, privilege DELETE on patients, table gone, privilege CREATE on " + db
	if strings.Join(checks, ", ") != want {
		t.Fatalf("problems %q, want %q (%+v)", strings.Join(checks, ", "), want, problems)
	}
}
