package mysql_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// bigTableScript makes 1000 rows of 2000 bytes: the server flushes rows every
// few of them, so the first rows arrive while the query still runs.
const bigTableScript = `
CREATE TABLE digits (n int);
INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
CREATE TABLE big (id int PRIMARY KEY, pad varchar(2000));
INSERT INTO big SELECT a.n + 10 * b.n + 100 * c.n, REPEAT('x', 2000) FROM digits a, digits b, digits c;
`

func TestKilledConnectionIsTransient(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, bigTableScript)
	src := openSource(t, url)
	defer src.Close()
	marker := sluicetest.UniqueName("killme")
	// SLEEP makes the query last about 10 s, so it is still running when killed.
	where := fmt.Sprintf("SLEEP(0.01) = 0 AND '%s' <> ''", marker)
	it, err := src.Read(t.Context(), sluice.ReadRequest{Table: "big", Columns: []string{"id", "pad"}, Key: []string{"id"}, Where: where})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	if !it.Next() {
		t.Fatalf("no first row: %v", it.Err())
	}
	killQuery(t, url, marker)
	rows := 1
	for it.Next() {
		rows++
	}
	if it.Err() == nil || !sluice.IsTransient(it.Err()) {
		t.Fatalf("after the kill: %d rows, err %T %v; want a transient error", rows, it.Err(), it.Err())
	}
	t.Logf("killed after %d rows: %v", rows, it.Err())
	if n, err := src.Count(t.Context(), "big", ""); err != nil || n != 1000 {
		t.Errorf("count after the kill: %d (err %v), want 1000: a retry should succeed", n, err)
	}
}

// killQuery kills the connection running the query that holds marker, found
// in PROCESSLIST from a second connection.
func killQuery(t *testing.T, url, marker string) {
	admin, err := sql.Open("mysql", sluicetest.MySQLDSN(t, url))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var id int64
	const q = `SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE CONCAT('%', ?, '%') AND ID <> CONNECTION_ID()`
	if err := admin.QueryRowContext(t.Context(), q, marker).Scan(&id); err != nil {
		t.Fatalf("find the reading connection: %v", err)
	}
	if _, err := admin.ExecContext(t.Context(), fmt.Sprintf("KILL %d", id)); err != nil {
		t.Fatalf("kill connection %d: %v", id, err)
	}
}
