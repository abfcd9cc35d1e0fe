package tds

import (
	"database/sql"
	"os"
	"testing"

	_ "github.com/microsoft/go-mssqldb"
)

func TestSmokeChinook(t *testing.T) {
	b, err := os.ReadFile("../testdata/chinook/Chinook_SqlServer.sql")
	if err != nil {
		t.Fatal(err)
	}
	dbs, err := LoadScript(string(b))
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(dbs...)
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	db, err := sql.Open("sqlserver", "sqlserver://sa:x@"+srv.Addr()+"?database=Chinook&encrypt=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow("SELECT COUNT_BIG(*) FROM dbo.Track").Scan(&n); err != nil {
		t.Fatal(err)
	}
	t.Log("tracks", n)
	rows, err := db.Query("SELECT TOP (3) InvoiceId, InvoiceDate, BillingAddress, Total FROM [dbo].[Invoice] WHERE InvoiceId > @p1 ORDER BY InvoiceId", 5)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var d any
		var a, tot any
		if err := rows.Scan(&id, &d, &a, &tot); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d %v %v %s", id, d, a, tot)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
