package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/target"
)

// cutoverFlags are the knobs of sluice cutover.
type cutoverFlags struct {
	check       bool
	maxLag      time.Duration
	freeze      string
	verify      string
	endSessions bool
	sessionWait time.Duration
	yes         bool
	batch       int
	stopAfter   string // tests only: SIGKILL itself once this phase is recorded
}

func newCutover(g *globals) *cobra.Command {
	f := &cutoverFlags{}
	cmd := &cobra.Command{
		Use:   "cutover",
		Short: "Switch the application from the sources to the target, with a write freeze of seconds",
		Long: `Cutover takes a live migration across, one recorded step at a time:

  1. readiness  the checks of --check (below); nothing changes when one fails
  2. freeze     writes on the sources stop (--freeze source: MariaDB/MySQL
                read_only, PostgreSQL default_transaction_read_only, whose
                sessions opened before it are waited for, --session-wait, or
                ended, --end-sessions, else the cutover refuses naming them;
                --freeze none: you stop the application and confirm), the
                position of each source's change log is read
  3. drain      the change stream is applied up to those positions
  4. prove      the target is verified against the frozen sources (--verify
                quick: levels 1-5, counts, keys, foreign keys, types, legacy
                keys; all: every value too); the rows are proven before the
                freeze and only those changed since are read again under it
  5. finish     identity sequences are moved past the highest key, foreign keys
                created NOT VALID are validated
  6. switch     the target's tables log whole rows (REPLICA IDENTITY FULL), the
                target's publication and slot for the reverse stream are made,
                the cutover is recorded, and only then does it say that the
                application may point at the target

Each step is recorded in sluice.cutovers with an audit entry. Killed at any
step, cutover resumes from the recorded one, and sluice rollback undoes it. A
step that refuses after the freeze (a drain that fails, a proof with findings)
unfreezes the sources and says why. The sources stay frozen after the switch,
so that the old application cannot write beside the new one; sluice status
says so and sluice rollback unfreezes them.

sync must not run during a cutover (they share the migration lock): stop it
first; cutover catches up itself.

--check runs the readiness checks only and prints them as a checklist: every
table can be written back (or is excluded with rollback: false), the sources'
users may freeze and write back, no table failed, no open conflict, the last
verification of every table clean, every source's stream started and not
failed, no table stopped, and the lag under --max-lag. Exit 0 when ready, 7
when not.`,
		Example: `  sluice cutover --check --max-lag 2s
  sluice cutover --max-lag 2s --freeze source
  sluice cutover --freeze none --yes        # you stopped the application`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCutover(cmd.Context(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.check, "check", false, "run the readiness checks only, print the checklist; change nothing")
	fl.DurationVar(&f.maxLag, "max-lag", 2*time.Second, "the most the stream may lag behind the sources")
	fl.StringVar(&f.freeze, "freeze", "source", "how writes stop: source (Sluice freezes the sources) or none (you stop the application)")
	fl.StringVar(&f.verify, "verify", "quick", "the proof: quick (counts and digests), all (every value) or levels such as 1,2,6")
	fl.BoolVar(&f.endSessions, "end-sessions", false, "end the source sessions the freeze does not stop (PostgreSQL sessions opened before it)")
	fl.DurationVar(&f.sessionWait, "session-wait", 5*time.Second, "PostgreSQL: how long the freeze waits for sessions opened before it to end, without --end-sessions, before it refuses")
	fl.BoolVar(&f.yes, "yes", false, "with --freeze none: do not ask whether writes have stopped")
	fl.IntVar(&f.batch, "batch", 5000, "row changes per target transaction while draining")
	fl.StringVar(&f.stopAfter, "stop-after", "", "for tests: kill the process (SIGKILL) once this phase is recorded")
	_ = fl.MarkHidden("stop-after")
	return cmd
}

// notReadyError is a readiness check or cutover step that refused; exit 7.
type notReadyError struct{ msg string }

func (e *notReadyError) Error() string { return e.msg }

// cutoverEnv is what cutover and rollback work with: the config's sources,
// its one target database, and the captures that follow the sources' logs.
type cutoverEnv struct {
	g    *globals
	p    *engines.Prepared
	db   string
	tgt  *target.Target
	tgts migrate.Targets
	caps []*capture
}

func openCutoverEnv(ctx context.Context, g *globals) (*cutoverEnv, func(), error) {
	cfg, err := config.Load(g.config)
	if err != nil {
		return nil, func() {}, err
	}
	if err := oneTargetDatabase(cfg); err != nil {
		return nil, func() {}, err
	}
	p, err := engines.Prepare(ctx, cfg)
	if err != nil {
		return nil, func() {}, err
	}
	tgts, closeTargets, err := openTargets(ctx, p.Config)
	done := func() { closeTargets(); p.Sources.Close() }
	if err != nil {
		return nil, done, err
	}
	e := &cutoverEnv{g: g, p: p, tgts: tgts}
	for name, t := range tgts {
		e.db, e.tgt = name, t
	}
	if err := e.tgt.EnsureState(ctx); err != nil {
		return nil, done, fmt.Errorf("target database %s: %w", e.db, err)
	}
	if e.caps, _, err = captures(ctx, p, tgts); err != nil {
		return nil, done, err
	}
	return e, done, nil
}

// oneTargetDatabase refuses a config with several target databases before
// anything is opened: the cutover record, the freezes, the proof and the
// reverse stream (one slot) are built for one target database so far.
func oneTargetDatabase(cfg *config.Config) error {
	if len(cfg.Targets) == 1 {
		return nil
	}
	names := make([]string, len(cfg.Targets))
	for i, tc := range cfg.Targets {
		names[i] = tc.Name
	}
	return &notReadyError{msg: fmt.Sprintf("refused: the config has %d target databases (%s); cutover and rollback work with one target database only, "+
		"so nothing was changed on the sources or the targets; sluice sync keeps every target database current meanwhile", len(names), strings.Join(names, ", "))}
}

func runCutover(ctx context.Context, g *globals, f *cutoverFlags) error {
	if f.freeze != "source" && f.freeze != "none" {
		return usageError{fmt.Errorf("--freeze %q: use source or none", f.freeze)}
	}
	levels, err := verifyLevels(f.verify)
	if err != nil {
		return err
	}
	e, done, err := openCutoverEnv(ctx, g)
	defer done()
	if err != nil {
		return err
	}
	if f.check {
		return e.checkOnly(ctx, f)
	}
	c := &cutover{cutoverEnv: e, f: f, levels: levels}
	return c.run(ctx)
}

// stopHere kills the process with SIGKILL once phase is recorded, when the
// test flag --stop-after names it: a crash at that step, with nothing
// cleaned up.
func (f *cutoverFlags) stopHere(phase string) {
	if f.stopAfter == phase {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
}
