package verify_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/sluicetest"
	"github.com/sluicedb/sluice/verify"
)

// TestChinookVerifies: Chinook migrated from each engine, with keys kept
// and rewritten, verifies with no finding, every row of every table
// compared.
func TestChinookVerifies(t *testing.T) {
	t.Parallel()
	engines := map[string]func(testing.TB) string{
		"sqlite": sluicetest.ChinookSQLite, "mysql": sluicetest.ChinookMySQL, "postgres": sluicetest.ChinookPostgres,
		"sqlserver": sluicetest.ChinookTDS,
	}
	for name, url := range engines {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src := url(t)
			for _, keys := range []string{config.KeysKeep, config.KeysUUID} {
				t.Run(keys, func(t *testing.T) {
					t.Parallel()
					e := migrated(t, fmt.Sprintf("version: 1\nsources:\n  chinook: {url: %q}\ntarget: {url: %q}\ndefaults: {naming: snake_case, keys: %s, chunk_rows: 500}\n",
						src, sluicetest.NewPostgresDB(t), keys), migrate.Options{})
					r, err := verify.All(context.Background(), e.plan, e.srcs, e.tgt, verify.Options{})
					if err != nil || !r.OK() {
						t.Fatalf("verify: %v\n%s", err, text(t, r))
					}
					var rows int64
					for _, tr := range r.Tables {
						rows += tr.Levels[verify.LevelContent].Checked
					}
					if want := chinookTotal(); rows != want {
						t.Errorf("level 6 compared %d rows, Chinook has %d", rows, want)
					}
				})
			}
		})
	}
}

func chinookTotal() int64 {
	var n int64
	for _, rows := range sluicetest.ChinookRows {
		n += rows
	}
	return n
}

// TestFixtureVerifies: the conformance fixture (edge values, NULLs, a
// composite key, a table without a key, reserved and Unicode names) migrated
// from MariaDB verifies with no finding.
func TestFixtureVerifies(t *testing.T) {
	t.Parallel()
	script, err := os.ReadFile("../mysql/testdata/fixture.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, keys := range []string{config.KeysKeep, config.KeysUUID} {
		t.Run(keys, func(t *testing.T) {
			t.Parallel()
			src := sluicetest.NewMySQLDB(t)
			sluicetest.ExecMySQL(t, src, string(script))
			e := migrated(t, fmt.Sprintf("version: 1\nsources:\n  fx: {url: %q}\ntarget: {url: %q}\ndefaults: {keys: %s, chunk_rows: 2}\n",
				src, sluicetest.NewPostgresDB(t), keys), migrate.Options{})
			if r := e.verifyAll(t); !r.OK() {
				t.Fatalf("%d findings:\n%s", r.Findings, text(t, r))
			}
		})
	}
}
