package tds_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
)

// TestCancelMidResult cancels a query while its large result streams: the
// server stops the result and acknowledges the attention (DONE with the
// attention bit), and the same connection then runs the next query.
func TestCancelMidResult(t *testing.T) {
	dbs, err := tds.LoadScript(sluicetest.ChinookSQLServerScript())
	if err != nil {
		t.Fatal(err)
	}
	srv := sluicetest.StartTDSServer(t, dbs...)
	db, err := sql.Open("sqlserver", sluicetest.TDSURL(srv.Addr(), "Chinook"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT TrackId, REPLICATE(CAST(N'x' AS nvarchar(max)), 50000) AS big FROM dbo.Track ORDER BY TrackId")
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rows.Next() {
		if read++; read == 3 {
			cancel()
		}
	}
	if err := rows.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v, want context.Canceled", err)
	}
	rows.Close()
	if read >= 3503 {
		t.Fatalf("all %d rows arrived: the cancel came too late to test anything", read)
	}
	t.Logf("%d of 3503 rows read before the cancel took effect", read)
	if srv.Cancels() != 1 {
		t.Errorf("the server stopped %d results, want 1", srv.Cancels())
	}
	var n int64
	if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM dbo.Album").Scan(&n); err != nil || n != 347 {
		t.Errorf("the next query on the connection: %d, %v", n, err)
	}
}
