package main

import (
	"io"

	"github.com/spf13/cobra"
)

// globals are the flags every command shares.
type globals struct {
	config string
	stdout io.Writer
	stderr io.Writer
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "sluice",
		Short: "Move legacy databases into PostgreSQL, resumably, and prove nothing was lost",
		Long: `Sluice copies MySQL/MariaDB, PostgreSQL and SQLite databases into PostgreSQL while
they stay in production: it maps names and types, rewrites integer keys into
deterministic UUIDs, loads in chunks that commit exactly once, and reconciles
every table's counts. State lives in the target's "sluice" schema, so any
process can report status or resume.

Typical session:
  sluice init --source app=mysql://app@db:3306/app --target postgres://pg/app > sluice.yaml
  sluice plan        # review the DDL, load order and warnings
  sluice migrate     # copy, validate, verify; rerun after an interruption to resume
  sluice status      # from any terminal, during or after a run
  sluice verify      # prove the target matches the sources, at six levels
  sluice conflicts list   # sources that disagree on a merged row (manual: true)
  sluice audit verify --public-key audit.pub   # check the tamper-evident trail

Exit codes: 0 ok, 1 failure, 2 bad command line or config, 3 database unreachable,
4 rows rejected, 5 validation failed (counts, verification, audit trail), 6 objects
incomplete, 7 cutover or rollback refused (not ready), 130 interrupted.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringVarP(&g.config, "config", "c", "sluice.yaml", "the config file")
	root.AddCommand(newInit(g), newPlan(g), newMigrate(g), newSync(g), newCutover(g), newRollback(g), newVerify(g), newStatus(g), newServe(g), newAudit(g), newConflicts(g), newTrace(g), newDemo(g), newVersion(g))
	return root
}
