package sluicetest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The loaders must give every test a complete Chinook, or the end-to-end
// comparisons built on them would prove nothing.
func TestChinookLoaders(t *testing.T) {
	t.Parallel()
	t.Run("mysql", func(t *testing.T) {
		t.Parallel()
		db, err := sql.Open("mysql", MySQLDSN(t, ChinookMySQL(t)))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for table, want := range ChinookRows {
			var n int64
			if err := db.QueryRow("SELECT COUNT(*) FROM `" + table + "`").Scan(&n); err != nil || n != want {
				t.Errorf("%s: %d rows (err %v), want %d", table, n, err, want)
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, ChinookPostgres(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int64
		if err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM playlist_track").Scan(&n); err != nil || n != ChinookRows["PlaylistTrack"] {
			t.Errorf("playlist_track: %d rows (err %v), want %d", n, err, ChinookRows["PlaylistTrack"])
		}
	})
}
