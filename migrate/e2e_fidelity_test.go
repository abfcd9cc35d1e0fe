package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

const wardsScript = `
CREATE TABLE wards (
  id int AUTO_INCREMENT PRIMARY KEY,
  name varchar(30) NOT NULL,
  kind enum('day','night') NOT NULL DEFAULT 'day',
  beds int NOT NULL DEFAULT 1,
  CONSTRAINT beds_positive CHECK (beds > 0)
);
INSERT INTO wards (id, name, kind, beds) VALUES (1, 'A', 'day', 2), (2, 'B', 'night', 3), (5, 'C', 'day', 1);`

func wardsConfig(src, tgt, keys, strategy string) string {
	return fmt.Sprintf("version: 1\nsources:\n  h: {url: %q}\ntarget: {url: %q}\ndefaults: {keys: %s, strategy: %s}\n", src, tgt, keys, strategy)
}

// After each load, a merge rerun included, the application's insert
// without a key gets a key past every loaded one (keys: keep), or a random
// uuid and no legacy key (keys: uuid).
func TestApplicationInsertsAfterReruns(t *testing.T) {
	for _, keys := range []string{"keep", "uuid"} {
		t.Run(keys, func(t *testing.T) {
			src := sluicetest.NewMySQLDB(t)
			sluicetest.ExecMySQL(t, src, wardsScript)
			yaml := wardsConfig(src, sluicetest.NewPostgresDB(t), keys, "merge")
			e := newEnv(t, yaml)
			e.mustRun(t, migrate.Options{Verify: verify.Levels})
			checkInsert(t, e, keys, 6)
			sluicetest.ExecMySQL(t, src, "INSERT INTO wards (id, name) VALUES (20, 'D'), (31, 'E'); UPDATE wards SET beds = 9 WHERE id = 1;")
			e = newEnv(t, yaml) // the next run, as the CLI would start it
			sum := e.mustRun(t, migrate.Options{Verify: verify.Levels})
			if r := sum.Tables[0]; r.Inserted != 2 || r.Updated != 1 {
				t.Errorf("the rerun inserted %d and updated %d rows, want a merge of 2 and 1", r.Inserted, r.Updated)
			}
			checkInsert(t, e, keys, 32)
			e = newEnv(t, yaml)
			e.mustRun(t, migrate.Options{}) // nothing changed: the sequence stays where it is
			checkInsert(t, e, keys, 32)
			if keys == "keep" {
				if got := e.text(t, `SELECT details->>'identities' FROM sluice.audit WHERE operation = 'table.done' ORDER BY seq DESC LIMIT 1`); got != `{"id": 32}` {
					t.Errorf("the last table.done entry records identities %s, want {\"id\": 32}", got)
				}
			}
		})
	}
}

// checkInsert inserts a ward without a key in a transaction it rolls back,
// so that every check starts from the loaded rows.
func checkInsert(t *testing.T, e *env, keys string, next int64) {
	t.Helper()
	ctx := context.Background()
	tx, err := e.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	q := `INSERT INTO wards (name) VALUES ('new') RETURNING id::text, kind, beds`
	if keys == "uuid" {
		q = `INSERT INTO wards (name) VALUES ('new') RETURNING coalesce(legacy_id::text, 'NULL') || ' ' || length(id::text), kind, beds`
	}
	var id, kind string
	var beds int
	if err := tx.QueryRow(ctx, q).Scan(&id, &kind, &beds); err != nil {
		t.Fatalf("insert a ward without a key: %v", err)
	}
	want := fmt.Sprint(next)
	if keys == "uuid" {
		want = "NULL 36"
	}
	if id != want || kind != "day" || beds != 1 {
		t.Errorf("the new ward got key %s, kind %s, beds %d; want %s, day, 1", id, kind, beds, want)
	}
}

// A source row that violates a CHECK (MariaDB lets one in with
// check_constraint_checks off, as MySQL before 8.0.16 ignored CHECK) is
// refused by the target, on a first load and on a merge rerun alike, and
// becomes a reject that names the constraint.
func TestCheckViolationsAreRejected(t *testing.T) {
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, wardsScript+"\nSET SESSION check_constraint_checks = 0;\nINSERT INTO wards (id, name, beds) VALUES (3, 'bad', 0);")
	yaml := wardsConfig(src, sluicetest.NewPostgresDB(t), "keep", "merge")
	e := newEnv(t, yaml)
	_, err := e.run(context.Background(), migrate.Options{})
	var rej *sluice.RejectedError
	if !errors.As(err, &rej) || rej.Rejected != 1 {
		t.Fatalf("the migration returned %v, want 1 rejected row", err)
	}
	checkCheckReject(t, e, "3")
	sluicetest.ExecMySQL(t, src, "SET SESSION check_constraint_checks = 0;\nINSERT INTO wards (id, name, beds) VALUES (40, 'worse', -5), (41, 'fine', 5);")
	e = newEnv(t, yaml)
	sum := e.mustRun(t, migrate.Options{MaxRejects: 2})
	if sum.Rejected != 2 || e.int64(t, "SELECT count(*) FROM wards") != 4 {
		t.Errorf("the merge rerun rejected %d rows and the target holds %d, want 2 and 4", sum.Rejected, e.int64(t, "SELECT count(*) FROM wards"))
	}
	checkCheckReject(t, e, "40")
}

func checkCheckReject(t *testing.T, e *env, key string) {
	t.Helper()
	reason := e.text(t, "SELECT reason FROM sluice.rejects WHERE row_key = $1", key)
	if !strings.Contains(reason, `violates check constraint "beds_positive"`) {
		t.Errorf("the reject of key %s says %q, want the CHECK it violates", key, reason)
	}
}

// enums: type makes an ENUM column a PostgreSQL enum type: values load,
// verify at every level finds nothing, a non-member is refused, and the
// truncate strategy reloads into the same table and type.
func TestEnumType(t *testing.T) {
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, wardsScript)
	tgt := sluicetest.NewPostgresDB(t)
	yaml := strings.Replace(wardsConfig(src, tgt, "keep", "truncate"), "strategy: truncate}", "strategy: truncate, enums: type}", 1)
	for run := 1; run <= 2; run++ {
		e := newEnv(t, yaml)
		e.mustRun(t, migrate.Options{Verify: verify.Levels})
		if got := e.text(t, `SELECT format_type(atttypid, atttypmod) || ' ' || (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder)
			FROM pg_enum WHERE enumtypid = atttypid) FROM pg_attribute WHERE attrelid = 'wards'::regclass AND attname = 'kind'`); got != "wards_kind day,night" {
			t.Errorf("run %d: kind is %s, want the enum type wards_kind (day,night)", run, got)
		}
		if n := e.int64(t, "SELECT count(*) FROM wards WHERE kind = 'night'"); n != 1 {
			t.Errorf("run %d: %d night wards, want 1", run, n)
		}
	}
	_, err := pgxExec(t, tgt, "INSERT INTO wards (name, kind) VALUES ('x', 'noon')")
	if err == nil || !strings.Contains(err.Error(), `invalid input value for enum wards_kind: "noon"`) {
		t.Errorf("inserting a non-member: %v, want it refused by the enum type", err)
	}
}

func pgxExec(t *testing.T, url, sql string) (int64, error) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	tag, err := conn.Exec(context.Background(), sql)
	return tag.RowsAffected(), err
}

// A table whose rows a rerun merges into gets what the plan gives it and
// it lacks (as a target loaded by an earlier version of Sluice lacks it):
// its identity, default and CHECK come back, and the rerun verifies clean.
func TestKeptTableConverges(t *testing.T) {
	src := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, src, wardsScript)
	yaml := wardsConfig(src, sluicetest.NewPostgresDB(t), "keep", "merge")
	e := newEnv(t, yaml)
	e.mustRun(t, migrate.Options{})
	for _, q := range []string{"ALTER TABLE wards ALTER COLUMN id DROP IDENTITY", "ALTER TABLE wards ALTER COLUMN beds DROP DEFAULT",
		"ALTER TABLE wards DROP CONSTRAINT beds_positive", "INSERT INTO wards (id, name, kind, beds) VALUES (99, 'app', 'day', 0)"} {
		if _, err := e.db.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	sluicetest.ExecMySQL(t, src, "INSERT INTO wards (id, name) VALUES (6, 'F')")
	e = newEnv(t, yaml)
	e.mustRun(t, migrate.Options{Verify: verify.Levels})
	if got := e.text(t, `SELECT string_agg(c, ' ' ORDER BY c) FROM (
		SELECT CASE WHEN attidentity <> '' THEN 'identity' END AS c FROM pg_attribute WHERE attrelid = 'wards'::regclass AND attname = 'id'
		UNION ALL SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'wards'::regclass
		UNION ALL SELECT conname || CASE WHEN convalidated THEN '' ELSE ' not valid' END FROM pg_constraint WHERE conrelid = 'wards'::regclass AND contype = 'c') x`); got != "'day'::text 1 beds_positive not valid identity wards_kind_check" {
		t.Errorf("the rerun left the table with %q, want its identity, defaults and the lost CHECK back (NOT VALID: an application row breaks it)", got)
	}
	checkInsert(t, e, "keep", 100)
}
