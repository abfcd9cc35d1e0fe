package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/sluicetest/tds"
)

const capturePlanScript = `CREATE DATABASE Clinic
GO
USE Clinic
GO
CREATE TABLE dbo.patients (id int PRIMARY KEY, name nvarchar(40));
INSERT INTO dbo.patients VALUES (1, N'Ada');
GO
`

// Plan says what to enable on a SQL Server source whose config asks for
// capture, and says nothing of capture once it is enabled.
func TestPlanSaysWhatToEnableForCapture(t *testing.T) {
	t.Parallel()
	for _, enabled := range []bool{false, true} {
		script := capturePlanScript
		if enabled {
			script += "EXEC sys.sp_cdc_enable_db\nGO\nEXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'patients', @role_name = NULL\nGO\n"
		}
		dbs, err := tds.LoadScript(script)
		if err != nil {
			t.Fatal(err)
		}
		src := sluicetest.StartTDS(t, "Clinic", dbs...)
		dir := t.TempDir()
		writeFile(t, dir, "sluice.yaml", fmt.Sprintf("version: 1\nsources:\n  clinic:\n    url: %q\n    capture: {}\ntarget: {url: %q}\n",
			src, sluicetest.NewPostgresDB(t)))
		r := invocation{dir: dir}.run(t, "plan")
		wantCode(t, r, 0)
		wants := []string{"capture on source clinic: database Clinic: change data capture: not enabled",
			"EXEC sys.sp_cdc_enable_db", "@source_name = N'patients', @role_name = NULL"}
		for _, want := range wants {
			if strings.Contains(r.stdout, want) != !enabled {
				t.Errorf("CDC enabled %v: plan output has %q: %v\n%s", enabled, want, !enabled, r.stdout)
			}
		}
	}
}
