package mysql_test

import (
	"os"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/sluicetest"
)

// newFixtureDB creates a throwaway database holding the conformance fixture.
func newFixtureDB(t testing.TB) string {
	t.Helper()
	script, err := os.ReadFile("testdata/fixture.sql")
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, string(script))
	return url
}

func openSource(t testing.TB, url string) *mysql.Source {
	t.Helper()
	src, err := mysql.Open(t.Context(), "legacy", url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return src
}

func TestConformance(t *testing.T) {
	sluicetest.RunConformance(t, sluicetest.Harness{
		Engine: "mysql",
		Open: func(t testing.TB) sluice.Source {
			return openSource(t, newFixtureDB(t))
		},
	})
}
