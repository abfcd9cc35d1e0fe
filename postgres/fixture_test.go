package postgres

import (
	"context"
	"os"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

// newDB creates a throwaway database holding script and returns its URL.
func newDB(t testing.TB, script string) string {
	t.Helper()
	url := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, url, script)
	return url
}

func fixtureScript(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/fixture.sql")
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return string(b)
}

func openURL(t testing.TB, url string) *Source {
	t.Helper()
	src, err := Open(context.Background(), "pg", url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return src
}

func TestConformance(t *testing.T) {
	sluicetest.RunConformance(t, sluicetest.Harness{
		Engine: "postgres",
		RowID:  "ctid",
		Open: func(t testing.TB) sluice.Source {
			return openURL(t, newDB(t, fixtureScript(t)))
		},
	})
}
