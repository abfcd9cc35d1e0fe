package verify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// benchRows is the size of the benchmark's table.
const benchRows = 200_000

// benchSQL generates a table shaped like the core benchmark's Patients:
// integer key, text, a date, a decimal, a flag, a timestamp and a note.
var benchSQL = fmt.Sprintf(`CREATE TABLE Patients (
  PatientID INT PRIMARY KEY,
  Name VARCHAR(100) NOT NULL,
  Born DATE NULL,
  Balance DECIMAL(10,2) NULL,
  Active TINYINT(1) NOT NULL,
  CreatedAt DATETIME NOT NULL,
  Notes TEXT NULL
) CHARACTER SET utf8mb4;
INSERT INTO Patients
SELECT seq, CONCAT('Patient ', seq, ' Müller'), DATE_ADD('1930-01-01', INTERVAL seq %% 30000 DAY),
  (seq %% 100000) / 100, seq %% 2, DATE_ADD('2020-01-01', INTERVAL seq SECOND),
  IF(seq %% 3 = 0, NULL, REPEAT('note ', seq %% 20))
FROM seq_1_to_%d;`, benchRows)

// BenchmarkContent verifies level 6 of a freshly migrated table of
// 200,000 rows (keys: uuid, the default chunk size) and reports rows/s; the
// load's own time is logged next to it, for the goal that a full content
// verification is no slower than the load.
//
//	go test ./verify/ -run '^$' -bench Content -benchtime 3x
func BenchmarkContent(b *testing.B) {
	src := sluicetest.NewMySQLDB(b)
	sluicetest.ExecMySQL(b, src, benchSQL)
	start := time.Now()
	e := migrated(b, fmt.Sprintf("version: 1\nsources:\n  legacy: {url: %q}\ntarget: {url: %q}\ndefaults: {keys: uuid, naming: camelCase}\n",
		src, sluicetest.NewPostgresDB(b)), migrate.Options{})
	load := time.Since(start)
	b.Logf("load: %d rows in %s (%.0f rows/s)", benchRows, load.Round(time.Millisecond), benchRows/load.Seconds())
	ctx := context.Background()
	o := verify.Options{Levels: []int{verify.LevelContent}}
	for b.Loop() {
		tr, err := verify.Table(ctx, e.plan, e.plan.Tables[0], e.srcs["legacy"], e.tgt, o)
		if err != nil || tr.FindingCount() != 0 || tr.Levels[verify.LevelContent].Checked != benchRows {
			b.Fatalf("verify: %v, %d findings, %d rows", err, tr.FindingCount(), tr.Levels[verify.LevelContent].Checked)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
