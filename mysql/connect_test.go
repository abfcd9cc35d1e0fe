package mysql_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/sluicetest"
)

func TestOpenUnreachableGivesConnectError(t *testing.T) {
	const password = "s3cret-pw"
	// Port 1 on localhost refuses at once; the real server refuses the password.
	real, err := url.Parse(sluicetest.MySQLURL())
	if err != nil {
		t.Fatal(err)
	}
	real.User = url.UserPassword("sluice_nobody", password)
	for _, raw := range []string{"mysql://root:" + password + "@127.0.0.1:1/test", real.String()} {
		src, err := mysql.Open(t.Context(), "legacy", raw)
		if err == nil {
			src.Close()
			t.Fatalf("%s: open succeeded, want an error", sluice.RedactURL(raw))
		}
		var ce *sluice.ConnectError
		if !errors.As(err, &ce) {
			t.Fatalf("got %T %v, want *sluice.ConnectError", err, err)
		}
		msg := err.Error()
		if strings.Contains(msg, password) {
			t.Errorf("message shows the password: %s", msg)
		}
		if !strings.Contains(msg, "legacy") || !strings.Contains(msg, real.Hostname()) {
			t.Errorf("message does not name the source and host: %s", msg)
		}
	}
}

// TestSessionSettings proves, through the reading connection itself, that it
// reads TIMESTAMPs in UTC, is read-only and speaks utf8mb4.
func TestSessionSettings(t *testing.T) {
	src := openSource(t, newFixtureDB(t))
	defer src.Close()
	for _, where := range []string{
		"@@session.time_zone = '+00:00'",
		"@@session.character_set_results = 'utf8mb4'",
		readOnlyVariable(t, src) + " = 1",
	} {
		n, err := src.Count(t.Context(), "people", where)
		if err != nil || n != 5 {
			t.Errorf("count where %s: got %d (err %v), want 5", where, n, err)
		}
	}
}

// readOnlyVariable is tx_read_only before MariaDB 11.1, transaction_read_only
// in MySQL 8 and later MariaDB.
func readOnlyVariable(t *testing.T, src *mysql.Source) string {
	if _, err := src.Count(t.Context(), "people", "@@session.transaction_read_only IS NOT NULL"); err == nil {
		return "@@session.transaction_read_only"
	}
	return "@@session.tx_read_only"
}
