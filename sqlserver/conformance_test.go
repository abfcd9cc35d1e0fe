package sqlserver_test

import (
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
	"github.com/sluicedb/sluice/sqlserver"
)

func conformanceScript(t testing.TB) string {
	t.Helper()
	script, err := tds.FixtureScript("conformance")
	if err != nil {
		t.Fatal(err)
	}
	return script
}

func openSource(t testing.TB, url string) *sqlserver.Source {
	t.Helper()
	src, err := sqlserver.Open(t.Context(), "legacy", url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return src
}

// TestConformance runs the suite against the TDS test server, and against
// the real SQL Server of SLUICE_TEST_SQLSERVER_URL when it is set (see
// TestConformanceRealServer).
func TestConformance(t *testing.T) {
	sluicetest.RunConformance(t, sluicetest.Harness{
		Engine: "sqlserver",
		Open: func(t testing.TB) sluice.Source {
			dbs, err := tds.LoadScript(conformanceScript(t))
			if err != nil {
				t.Fatal(err)
			}
			return openSource(t, sluicetest.StartTDS(t, "Conformance", dbs...))
		},
	})
}

// TestConformanceRealServer is the env-gated tier: no SQL Server can run on
// the project's machines, so it runs only where SLUICE_TEST_SQLSERVER_URL
// names one (see the README), and is skipped otherwise.
func TestConformanceRealServer(t *testing.T) {
	if sluicetest.SQLServerURL() == "" {
		t.Skip("SLUICE_TEST_SQLSERVER_URL is not set: no real SQL Server to run against")
	}
	sluicetest.RunConformance(t, sluicetest.Harness{
		Engine: "sqlserver",
		Open: func(t testing.TB) sluice.Source {
			return openSource(t, sluicetest.RealSQLServerFixture(t, conformanceScript(t)))
		},
	})
}
