package tds

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"
)

const ctScript = `CREATE DATABASE CTTest
GO
USE CTTest
GO
ALTER DATABASE CTTest SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 2 DAYS, AUTO_CLEANUP = ON)
GO
CREATE TABLE dbo.a (id int PRIMARY KEY, v varchar(40));
INSERT INTO dbo.a VALUES (1, 'one');
ALTER TABLE dbo.a ENABLE CHANGE_TRACKING WITH (TRACK_COLUMNS_UPDATED = OFF)
GO
`

func ctChanges(t *testing.T, db *sql.DB, since int64) []string {
	t.Helper()
	rows, err := db.Query("SELECT c.SYS_CHANGE_VERSION, c.SYS_CHANGE_OPERATION, c.id FROM CHANGETABLE(CHANGES dbo.a, @p1) AS c ORDER BY c.id", since)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v, id int64
		var op string
		if err := rows.Scan(&v, &op, &id); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d:%s:%d", v, op, id))
	}
	sort.Strings(out)
	return out
}

// Each committed transaction takes a version; each key keeps its last
// change, netted.
func TestChangeTrackingNetsChangesByKey(t *testing.T) {
	dbs, err := LoadScript(ctScript)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(dbs...)
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	db, err := sql.Open("sqlserver", "sqlserver://sa:x@"+srv.Addr()+"?database=CTTest&encrypt=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	execAll(t, db, "INSERT INTO a VALUES (2, 'two'), (3, 'three')",
		"BEGIN TRANSACTION; UPDATE a SET v = 'deux' WHERE id = 2; DELETE FROM a WHERE id = 3; UPDATE a SET v = 'uno' WHERE id = 1; COMMIT")
	var cur, min int64
	if err := db.QueryRow("SELECT CHANGE_TRACKING_CURRENT_VERSION(), CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID('dbo.a'))").Scan(&cur, &min); err != nil {
		t.Fatal(err)
	}
	if cur != 2 || min != 0 {
		t.Fatalf("current version %d, min valid %d; want 2 and 0", cur, min)
	}
	if got, want := strings.Join(ctChanges(t, db, 0), " "), "2:D:3 2:I:2 2:U:1"; got != want {
		t.Fatalf("changes since 0: %s, want %s", got, want)
	}
	if got, want := strings.Join(ctChanges(t, db, 1), " "), "2:D:3 2:U:1 2:U:2"; got != want {
		t.Fatalf("changes since 1: %s, want %s", got, want)
	}
	if got := ctChanges(t, db, 2); len(got) != 0 {
		t.Fatalf("changes since 2: %v", got)
	}
}
