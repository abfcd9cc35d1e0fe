package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/freeze"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// targetFreeze is the name the target's own freeze is recorded under in
// sluice.freezes (a rollback after cutover freezes the target).
const targetFreeze = "(target)"

type rollbackFlags struct {
	verify     string
	stopAfter  string
	dropTarget bool
}

func newRollback(g *globals) *cobra.Command {
	f := &rollbackFlags{}
	cmd := &cobra.Command{
		Use:   "rollback",
		Short: "Undo a cutover, or the capture set up for one: the sources are authoritative again",
		Long: `Rollback goes back to the sources, whatever phase the cutover reached.

Before the switch (no cutover, or one stopped at any step): it unfreezes the
sources Sluice froze, removes what capture created on the sources (the
PostgreSQL slot and publication; the streams' positions, so the next sync
copies again) and the record table of the reverse stream (sluice_reverse),
and records the cutover rolled back. Nothing else on the sources changes.

After the switch (the target authoritative): it freezes writes on the target
(ALTER DATABASE ... SET default_transaction_read_only), verifies the sources
against the target (--verify, levels 1-4 by default: counts, keys, foreign
keys, types; level 5 would report the rows the application inserted on the
target, whose UUIDs are its own and not computed from their legacy keys), and only when they match
unfreezes the sources, records the rollback and says that the application may
point back. When they differ it stops, with both sides frozen, and says so:
let sluice sync write the target's changes back, then run rollback again.

sync must not run during a rollback (they share the migration lock).
Each step is recorded in sluice.cutovers with an audit entry; exit 7 when a
step refuses.`,
		Example: `  sluice rollback                 # whatever the cutover's phase
  sluice rollback --verify all    # after cutover: compare every value before going back`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRollback(cmd.Context(), g, f)
		},
	}
	cmd.Flags().StringVar(&f.verify, "verify", "1,2,3,4", "after cutover, the proof that the sources equal the target: levels such as 1,2,6, quick or all (level 5 fails on rows the application inserted on the target: their UUIDs are its own)")
	cmd.Flags().StringVar(&f.stopAfter, "stop-after", "", "for tests: kill the process (SIGKILL) once this phase is recorded")
	_ = cmd.Flags().MarkHidden("stop-after")
	registerDropTarget(cmd, f)
	return cmd
}

type rollback struct {
	*cutoverEnv
	f       *rollbackFlags
	levels  []int
	session *target.Session
}

func runRollback(ctx context.Context, g *globals, f *rollbackFlags) (err error) {
	levels, err := verifyLevels(f.verify)
	if err != nil {
		return err
	}
	e, done, err := openCutoverEnv(ctx, g)
	defer done()
	if err != nil {
		return err
	}
	r := &rollback{cutoverEnv: e, f: f, levels: levels}
	r.session, err = e.tgt.BeginSession(ctx, target.RunSpec{Command: "rollback", ConfigHash: e.p.Config.Hash, Version: sluiceVersion(),
		Lock: "migrate", Details: map[string]any{"command": "rollback"}})
	if err != nil {
		return err
	}
	defer func() { err = r.end(ctx, err) }()
	rec, found, err := e.tgt.OpenCutover(ctx)
	if err != nil {
		return err
	}
	if found && rec.Authoritative == target.SideTarget {
		if f.dropTarget {
			return refuseDropTarget()
		}
		return r.afterCutover(ctx, rec)
	}
	if err := r.beforeCutover(ctx, rec, found); err != nil || !f.dropTarget {
		return err
	}
	return r.dropTarget(ctx)
}

func (r *rollback) end(ctx context.Context, err error) error {
	status, msg := target.RunOK, ""
	switch {
	case errors.Is(err, sluice.ErrInterrupted) || ctx.Err() != nil:
		status, msg, err = "interrupted", "stopped by a signal; run sluice rollback again", sluice.ErrInterrupted
	case err != nil:
		status, msg = target.RunFailed, err.Error()
	}
	if _, endErr := r.session.End(ctx, status, msg, nil); err == nil {
		err = endErr
	}
	return err
}

func (r *rollback) step(ctx context.Context, rec target.Cutover, s target.CutoverStep) (target.Cutover, error) {
	rec, err := r.tgt.CutoverStep(ctx, rec.ID, r.session.ID(), s)
	if err != nil {
		return rec, err
	}
	fmt.Fprintf(r.g.stderr, "rollback: %s (%s)\n", s.Phase, time.Now().UTC().Format(time.RFC3339Nano))
	if r.f.stopAfter == s.Phase {
		(&cutoverFlags{stopAfter: s.Phase}).stopHere(s.Phase)
	}
	return rec, nil
}

// beforeCutover undoes what a sync and an unfinished cutover made on the
// sources.
func (r *rollback) beforeCutover(ctx context.Context, rec target.Cutover, found bool) error {
	if found {
		var err error
		if rec, err = r.step(ctx, rec, target.CutoverStep{Phase: target.PhaseRollingBack}); err != nil {
			return err
		}
	}
	if err := r.thawSources(ctx); err != nil {
		return err
	}
	if err := dropCaptures(ctx, r.g, r.caps); err != nil {
		return err
	}
	if err := r.dropSinks(ctx); err != nil {
		return err
	}
	if err := r.dropReverseCapture(ctx); err != nil {
		return err
	}
	if found {
		if _, err := r.step(ctx, rec, target.CutoverStep{Phase: target.PhaseRolledBack, Authoritative: target.SideSources, FreezeEnded: rec.FreezeEnded.IsZero()}); err != nil {
			return err
		}
	}
	fmt.Fprintln(r.g.stdout, "rolled back: the sources are authoritative and writable, and hold nothing Sluice created; the next sync copies again")
	return nil
}

func (r *rollback) dropSinks(ctx context.Context) error {
	var errs []error
	for name, src := range r.p.Sources {
		if sink, ok := src.(sluice.ChangeSink); ok {
			if err := sink.DropSink(ctx); err != nil {
				errs = append(errs, fmt.Errorf("source %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

func (r *rollback) dropReverseCapture(ctx context.Context) error {
	src, err := openTargetCapture(ctx, r.p.Config.Target.URL, r.p.Plan.Schema)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.DropCapture(ctx, reverseSpec(r.p)); err != nil {
		return fmt.Errorf("remove the target's capture for the reverse stream: %w", err)
	}
	return nil
}

// afterCutover freezes the target, proves the sources equal it, and gives
// the application back to the sources.
func (r *rollback) afterCutover(ctx context.Context, rec target.Cutover) error {
	rec, err := r.step(ctx, rec, target.CutoverStep{Phase: target.PhaseRollingBack, FreezeStarted: true})
	if err != nil {
		return err
	}
	if err := r.freezeTarget(ctx); err != nil {
		return err
	}
	report, err := verify.All(ctx, r.p.Plan, r.p.Sources, r.tgt, verify.Options{Levels: r.levels})
	if err == nil {
		err = verify.Record(ctx, r.tgt, r.session.ID(), report)
	}
	if err != nil {
		return err
	}
	if !report.OK() {
		_ = writeReport(r.g, &verifyFlags{}, report)
		return &notReadyError{msg: fmt.Sprintf("rollback stopped: the sources differ from the target (%d finding(s), listed above); both sides stay frozen. Let sluice sync --catch-up write the target's changes back, then run sluice rollback again", report.Findings)}
	}
	if err := r.skipReverseWrites(ctx); err != nil {
		return err
	}
	if err := r.thawSources(ctx); err != nil {
		return err
	}
	if err := r.dropReverseCapture(ctx); err != nil {
		return err
	}
	rec, err = r.step(ctx, rec, target.CutoverStep{Phase: target.PhaseRolledBack, Authoritative: target.SideSources, FreezeEnded: true,
		Verify: map[string]any{"levels": r.levels, "tables": len(report.Tables), "findings": report.Findings, "ok": true}})
	if err != nil {
		return err
	}
	fmt.Fprintf(r.g.stdout, "rolled back: the sources equal the target and are authoritative again; the application may point back at them.\n")
	fmt.Fprintf(r.g.stdout, "write freeze: %s. The target stays frozen (sluice cutover unfreezes it).\n", rec.FreezeDuration().Round(time.Millisecond))
	return nil
}

// freezeTarget stops the application's writes on the target with the
// PostgreSQL freezer, recorded like a source's freeze.
func (r *cutoverEnv) freezeTarget(ctx context.Context) error {
	src, err := openTargetCapture(ctx, r.p.Config.Target.URL, r.p.Plan.Schema)
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := freeze.Source(ctx, r.tgt, targetFreeze, src, sluice.FreezeOptions{}); err != nil {
		return fmt.Errorf("freeze writes on the target: %w", err)
	}
	return nil
}

// thawTarget unfreezes the target if a rollback froze it.
func (r *cutoverEnv) thawTarget(ctx context.Context) error {
	src, err := openTargetCapture(ctx, r.p.Config.Target.URL, r.p.Plan.Schema)
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := freeze.Thaw(ctx, r.tgt, targetFreeze, src); err != nil {
		return fmt.Errorf("unfreeze the target: %w", err)
	}
	return nil
}

// skipReverseWrites moves each source's forward stream to the end of its
// log: the sources are frozen and proven equal to the target, and what
// lies before that end since the cutover is the reverse stream's own
// writes, already in the target.
func (r *rollback) skipReverseWrites(ctx context.Context) error {
	for _, c := range r.caps {
		st, err := c.cs.CaptureStatus(ctx, c.spec, nil)
		if err != nil {
			return fmt.Errorf("source %s: %w", c.name, err)
		}
		if st.Head == nil {
			continue
		}
		if err := r.tgt.SkipStreamTo(ctx, r.session.ID(), c.name, st.Head.String()); err != nil {
			return err
		}
	}
	return nil
}
