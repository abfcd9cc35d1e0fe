package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// charsetScript holds GBK, latin1 and cp1251 columns with bytes that have a
// character and bytes that MariaDB has none for: GBK A380 and FE50 (the
// issue's reproduction: both arrive as ? through a utf8mb4 connection) and
// cp1251 98. gk has a GBK text primary key, one key without a character,
// read two rows a chunk.
const charsetScript = `SET SESSION sql_mode = '';
CREATE TABLE t (id int PRIMARY KEY, g varchar(10) CHARACTER SET gbk, l varchar(10) CHARACTER SET latin1,
	c varchar(10) CHARACTER SET cp1251);
INSERT INTO t VALUES (1, X'B0A1', X'E9', X'C0'), (2, X'A380', X'63616665', X'C1'), (3, X'FE50', X'41', X'C2'),
	(4, X'41', X'80', X'98'), (5, NULL, NULL, NULL), (6, X'D6D0CEC4', X'E96CE8766521', X'CFF0E8E2E5F2');
CREATE TABLE gk (k varchar(10) CHARACTER SET gbk NOT NULL PRIMARY KEY, n int);
INSERT INTO gk VALUES (X'B0A1', 1), (X'A380', 2), (X'41', 3), (X'D6D0', 4), (X'7A', 5), (X'B0A2', 6), (X'CEC4', 7);`

func newCharsetEnv(t *testing.T) (*env, string) {
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, charsetScript)
	return newEnv(t, fmt.Sprintf(`version: 1
sources:
  legacy: {url: %q}
target: {url: %q}
defaults:
  chunk_rows: 2
tables:
  legacy.gk: {keys: uuid}
`, src, sluicetest.NewPostgresDB(t))), src
}

// TestCharsetsEndToEnd migrates the table of the issue: the values with a
// character arrive as that character, the others are rejects that name the
// character set and the bytes and keep them exactly, the run fails on
// more rejects than allowed, and verify then finds nothing wrong: the
// rejected rows are rejects, not missing rows.
func TestCharsetsEndToEnd(t *testing.T) {
	t.Parallel()
	e, _ := newCharsetEnv(t)
	sum, err := e.run(context.Background(), migrate.Options{MaxRejects: 3, Verify: allLevels})
	var rej *sluice.RejectedError
	if !errors.As(err, &rej) || rej.Rejected != 4 || sum.Rejected != 4 {
		t.Fatalf("run with 3 rejects allowed: %v (summary %d rejected), want *sluice.RejectedError of 4 rows", err, sum.Rejected)
	}
	got := e.rows(t, "SELECT id::text, coalesce(g, 'NULL'), coalesce(l, 'NULL'), coalesce(c, 'NULL') FROM t ORDER BY id")
	want := []string{"1|啊|é|А", "5|NULL|NULL|NULL", "6|中文|élève!|Привет"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("t holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := e.rows(t, "SELECT n::text || '|' || legacy_id FROM gk ORDER BY n"); strings.Join(got, ",") != "1|啊,3|A,4|中,5|z,6|阿,7|文" {
		t.Errorf("gk holds %v", got)
	}
	gotRejects := e.rows(t, `SELECT table_id, row_key, column_name, encode(raw_bytes, 'hex'), reason FROM sluice.rejects ORDER BY table_id, row_key`)
	wantRejects := []string{
		"legacy.gk|0xa380|k|a380|key column k: not valid gbk: bytes a380",
		"legacy.t|2|g|a380|not valid gbk: bytes a380",
		"legacy.t|3|g|fe50|not valid gbk: bytes fe50",
		"legacy.t|4|c|98|not valid cp1251: bytes 98",
	}
	if strings.Join(gotRejects, "\n") != strings.Join(wantRejects, "\n") {
		t.Errorf("rejects\n%s\nwant\n%s", strings.Join(gotRejects, "\n"), strings.Join(wantRejects, "\n"))
	}
	report := verifyReport(t, e)
	if !report.OK() {
		t.Errorf("verify found %d problems:\n%s", report.Findings, reportText(report))
	}
	if d := contentDetail(t, report, "legacy.t"); !strings.Contains(d, "3 rejected by the mapping") {
		t.Errorf("verify of legacy.t: %q, want 3 rows rejected by the mapping", d)
	}
}

// TestVerifySeesTheStoredBytes plants in the target what the lossy read
// loaded before: rows 2 and 3 with ?, and no rejects. Verify, which reads
// the stored bytes, finds both; and it finds a changed value of a row
// whose bytes convert.
func TestVerifySeesTheStoredBytes(t *testing.T) {
	t.Parallel()
	e, _ := newCharsetEnv(t)
	if _, err := e.run(context.Background(), migrate.Options{MaxRejects: 10}); err != nil {
		t.Fatal(err)
	}
	e.exec(t, "DELETE FROM sluice.rejects WHERE table_id = 'legacy.t' AND row_key IN ('2', '3')")
	e.exec(t, "INSERT INTO t VALUES (2, '?', 'cafe', 'Б'), (3, '?', 'A', 'В')")
	e.exec(t, "UPDATE t SET l = 'e' WHERE id = 1")
	report := verifyReport(t, e)
	var found []string
	for _, tr := range report.Tables {
		for _, f := range tr.Findings {
			found = append(found, fmt.Sprintf("%s %s %s %s", f.Check, f.LegacyKey, f.Column, f.TargetValue))
		}
	}
	text := strings.Join(found, "\n")
	for _, want := range []string{"unrecorded reject 2 g", "unrecorded reject 3 g", "value 1 l e"} {
		if !strings.Contains(text, want) {
			t.Errorf("verify findings:\n%s\nwant one starting %q", text, want)
		}
	}
}

func verifyReport(t *testing.T, e *env) *verify.Report {
	t.Helper()
	report, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{Levels: allLevels})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return report
}

func reportText(r *verify.Report) string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}

// contentDetail is the detail of level 6 on one table.
func contentDetail(t *testing.T, r *verify.Report, id string) string {
	t.Helper()
	for _, tr := range r.Tables {
		if tr.ID == id {
			return tr.Levels[verify.LevelContent].Detail
		}
	}
	t.Fatalf("no report on %s", id)
	return ""
}

// TestDeclaredEncodingEndToEnd migrates a SQLite file and a PostgreSQL
// SQL_ASCII database whose text is Windows-1252, declared with encoding:
// in the config: text converts, a byte without a character (81) is a
// reject naming it, bytes stay bytes, and verify finds nothing wrong.
func TestDeclaredEncodingEndToEnd(t *testing.T) {
	t.Parallel()
	lite := newSQLite(t, "legacy", `CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, photo BLOB);
INSERT INTO people VALUES (1, CAST(X'5A6FEB' AS TEXT), X'E9'), (2, CAST(X'81' AS TEXT), NULL), (3, CAST(X'8061' AS TEXT), NULL);`)
	pg := sluicetest.NewPostgresDBEncoded(t, "SQL_ASCII")
	sluicetest.ExecPostgres(t, pg, `CREATE TABLE notes (code varchar(5) PRIMARY KEY, body text);
INSERT INTO notes VALUES (E'\xe9t\xe9', E'caf\xe9'), (E'\x81', 'x'), ('a', E'\x80');`)
	e := newEnv(t, fmt.Sprintf(`version: 1
sources:
  lite: {url: %q, encoding: cp1252}
  pg: {url: %q, encoding: windows-1252}
target: {url: %q}
tables:
  pg.notes: {keys: uuid}
`, lite, pg, sluicetest.NewPostgresDB(t)))
	sum, err := e.run(context.Background(), migrate.Options{MaxRejects: 2, Verify: allLevels})
	if err != nil || sum.Rejected != 2 {
		t.Fatalf("run: %v, %d rejected; want 2 rejects", err, sum.Rejected)
	}
	if got := e.rows(t, "SELECT id::text, name, encode(photo, 'hex') FROM people ORDER BY id"); strings.Join(got, ",") != "1|Zoë|e9,3|€a|<NULL>" {
		t.Errorf("people holds %v", got)
	}
	if got := e.rows(t, "SELECT legacy_id, body FROM notes ORDER BY legacy_id"); strings.Join(got, ",") != "a|€,été|café" {
		t.Errorf("notes holds %v", got)
	}
	got := e.rows(t, "SELECT table_id, row_key, encode(raw_bytes, 'hex'), reason FROM sluice.rejects ORDER BY table_id")
	want := "lite.people|2|81|not valid cp1252: bytes 81 at byte 0,pg.notes|0x81|81|key column code: not valid cp1252: bytes 81 at byte 0"
	if strings.Join(got, ",") != want {
		t.Errorf("rejects %v, want %s", got, want)
	}
	report := verifyReport(t, e)
	if !report.OK() {
		t.Errorf("verify found %d problems:\n%s", report.Findings, reportText(report))
	}
}
