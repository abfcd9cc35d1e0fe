package mysql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// seq is a test's stream position: a number.
type seq int

func (p seq) String() string { return strconv.Itoa(int(p)) }
func (p seq) Compare(o sluice.Position) (int, error) {
	q, ok := o.(seq)
	if !ok {
		return 0, fmt.Errorf("not a seq: %v", o)
	}
	return int(p) - int(q), nil
}

func parseSeq(s string) (sluice.Position, error) {
	n, err := strconv.Atoi(s)
	return seq(n), err
}

func batchAt(p int, changes ...sluice.RowChange) sluice.SinkBatch {
	return sluice.SinkBatch{Name: "mig", Position: seq(p), Parse: parseSeq, Changes: changes}
}

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
	cols := []string{"name", "active", "born"}
	first := batchAt(10,
		sluice.RowChange{Kind: sluice.ChangeInsert, Table: "patients", Key: patientKey, KeyValues: []any{int64(40)}, Columns: cols, Values: []any{"Ada", int64(1), "1990-02-03"}},
		sluice.RowChange{Kind: sluice.ChangeInsert, Table: "patients", Key: patientKey, Columns: cols, Values: []any{"Émile", int64(0), nil}},
	)
	res, err := src.Apply(ctx, first)
	if err != nil || !res.Applied {
		t.Fatalf("apply: %+v, %v", res, err)
	}
	if len(res.Generated) != 1 || res.Generated[0].Change != 1 || res.Generated[0].Values[0] != int64(41) {
		t.Fatalf("generated keys %+v: want change 1 got key 41 (after 40)", res.Generated)
	}
	again, err := src.Apply(ctx, first)
	if err != nil || again.Applied || fmt.Sprint(again.Generated) != fmt.Sprint(res.Generated) {
		t.Fatalf("replayed batch: %+v, %v; want not applied, with the keys generated the first time %v", again, err, res.Generated)
	}
	second := batchAt(20,
		sluice.RowChange{Kind: sluice.ChangeUpdate, Table: "patients", Key: patientKey, KeyValues: []any{int64(40)}, Columns: []string{"name"}, Values: []any{"Ada L."}},
		sluice.RowChange{Kind: sluice.ChangeUpdate, Table: "patients", Key: patientKey, KeyValues: []any{int64(41)}},
		sluice.RowChange{Kind: sluice.ChangeDelete, Table: "patients", Key: patientKey, KeyValues: []any{int64(41)}},
	)
	if res, err := src.Apply(ctx, second); err != nil || !res.Applied {
		t.Fatalf("apply second: %+v, %v", res, err)
	}
	if older, err := src.Apply(ctx, batchAt(15, sluice.RowChange{Kind: sluice.ChangeDelete, Table: "patients", Key: patientKey, KeyValues: []any{int64(40)}})); err != nil || older.Applied {
		t.Fatalf("an older batch: %+v, %v; want not applied", older, err)
	}
	if got, want := rowsOf(t, h), "40 Ada L. 1 1990-02-03"; got != want {
		t.Fatalf("rows %q, want %q", got, want)
	}
	if pos, err := src.SinkPosition(ctx, "mig"); err != nil || pos != "20" {
		t.Fatalf("position %q, %v; want 20", pos, err)
	}
}

func TestApplyOfAMissingRowWritesNothing(t *testing.T) {
	ctx := context.Background()
	url, h := sinkDB(t)
	src := openSource(t, url)
	defer src.Close()
	if err := src.PrepareSink(ctx); err != nil {
		t.Fatal(err)
	}
	batch := batchAt(5,
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
