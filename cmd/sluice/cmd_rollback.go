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

After the switch (the target authoritative), one recorded step at a time:

  1. target frozen     writes on the target stop (ALTER DATABASE ... SET
                       default_transaction_read_only)
  2. reverse drained   the target's changes not yet written back to the
                       sources are (what sluice sync does after a cutover)
  3. proven            the sources are verified against the target (--verify,
                       quick by default as for cutover: counts, keys, foreign
                       keys, types, legacy keys; all: every value). A row the
                       application inserted on the target keeps its own UUID
                       and is paired with its source row by the legacy key the
                       reverse stream wrote back into it
  4. sources unfrozen  the forward streams skip the reverse stream's own
                       writes, the sources are writable again
  5. rolled back       the reverse stream's capture on the target is removed,
                       the sources are recorded authoritative, and only then
                       does it say that the application may point back

When the proof finds a difference it stops there, with both sides frozen,
and lists it: correct it and run rollback again. Killed at any step,
rollback run again finishes the job.

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
	cmd.Flags().StringVar(&f.verify, "verify", "quick", "after cutover, the proof that the sources equal the target: quick (levels 1-5), all (every value) or levels such as 1,2,6")
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
	name := s.Phase
	if step, ok := s.Details["step"].(string); ok {
		name = step
	}
	fmt.Fprintf(r.g.stderr, "rollback: %s (%s)\n", name, time.Now().UTC().Format(time.RFC3339Nano))
	(&cutoverFlags{stopAfter: r.f.stopAfter}).stopHere(name)
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
	if found {
		var err error
		if rec, err = r.step(ctx, rec, rollingBack("sources unfrozen", nil)); err != nil {
			return err
		}
	}
	if err := r.dropCaptureObjects(ctx); err != nil {
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

// dropCaptureObjects removes what capture made on the sources and the
// target's capture for the reverse stream; each is gone already when a
// rollback killed after it runs again.
func (r *rollback) dropCaptureObjects(ctx context.Context) error {
	if err := dropCaptures(ctx, r.g, r.caps); err != nil {
		return err
	}
	if err := r.dropSinks(ctx); err != nil {
		return err
	}
	return r.dropReverseCapture(ctx)
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

// afterCutover freezes the target, writes its last changes back, proves
// the sources equal it, and gives the application back to the sources.
// Each step is recorded (phase rolling back, the step in its audit entry),
// and each is safe to run again: a rollback killed at any step is finished
// by running it again.
func (r *rollback) afterCutover(ctx context.Context, rec target.Cutover) error {
	rec, err := r.step(ctx, rec, target.CutoverStep{Phase: target.PhaseRollingBack, FreezeStarted: rec.Phase != target.PhaseRollingBack})
	if err != nil {
		return err
	}
	if err := r.freezeTarget(ctx); err != nil {
		return err
	}
	if rec, err = r.step(ctx, rec, rollingBack("target frozen", nil)); err != nil {
		return err
	}
	if err := r.drainReverse(ctx); err != nil {
		return err
	}
	if rec, err = r.step(ctx, rec, rollingBack("reverse drained", nil)); err != nil {
		return err
	}
	proof, err := r.prove(ctx)
	if err != nil {
		return err
	}
	if rec, err = r.step(ctx, rec, rollingBack("proven", proof)); err != nil {
		return err
	}
	if err := r.skipReverseWrites(ctx); err != nil {
		return err
	}
	if err := r.thawSources(ctx); err != nil {
		return err
	}
	if rec, err = r.step(ctx, rec, rollingBack("sources unfrozen", nil)); err != nil {
		return err
	}
	if err := r.dropReverseCapture(ctx); err != nil {
		return err
	}
	rec, err = r.step(ctx, rec, target.CutoverStep{Phase: target.PhaseRolledBack, Authoritative: target.SideSources, FreezeEnded: true, Verify: proof})
	if err != nil {
		return err
	}
	fmt.Fprintf(r.g.stdout, "rolled back: the sources equal the target and are authoritative again; the application may point back at them.\n")
	fmt.Fprintf(r.g.stdout, "write freeze: %s. The target stays frozen (sluice cutover unfreezes it).\n", rec.FreezeDuration().Round(time.Millisecond))
	return nil
}

// rollingBack is a step of a rollback after the switch: the phase stays
// rolling back, the audit entry names the step.
func rollingBack(name string, proof map[string]any) target.CutoverStep {
	return target.CutoverStep{Phase: target.PhaseRollingBack, Verify: proof, Details: map[string]any{"step": name}}
}

// drainReverse writes back what the target's change log holds up to its
// end, as sync --catch-up does after a cutover, under this rollback's run.
// A rollback killed after it dropped the reverse stream's capture finds
// none: everything had been written back and proven before.
func (r *rollback) drainReverse(ctx context.Context) error {
	capture, err := openTargetCapture(ctx, r.p.Config.Target.URL, r.p.Plan.Schema)
	if err != nil {
		return err
	}
	defer capture.Close()
	rr := &reverseRun{g: r.g, p: r.p, tgt: r.tgt, session: r.session, capture: capture, spec: reverseSpec(r.p)}
	if ok, err := capture.HasCapture(ctx, rr.spec); err != nil || !ok {
		return err
	}
	if rr.stream, err = reverseStream(ctx, r.p, r.tgt, capture); err != nil {
		return err
	}
	return rr.follow(ctx, true)
}

// prove verifies the sources against the frozen target. Rows the
// application inserted on the target are paired by the legacy keys the
// reverse stream wrote back (verify.Options.OwnUUIDs).
func (r *rollback) prove(ctx context.Context) (map[string]any, error) {
	report, err := verify.All(ctx, r.p.Plan, r.p.Sources, r.tgt, verify.Options{Levels: r.levels, OwnUUIDs: true})
	if err == nil {
		err = verify.Record(ctx, r.tgt, r.session.ID(), report)
	}
	if err != nil {
		return nil, err
	}
	if !report.OK() {
		_ = writeReport(r.g, &verifyFlags{}, report)
		return nil, &notReadyError{msg: fmt.Sprintf("rollback stopped: the sources differ from the target (%d finding(s), listed above) once every change of the target was written back; both sides stay frozen. Correct the difference on the sources, then run sluice rollback again", report.Findings)}
	}
	return map[string]any{"levels": r.levels, "tables": len(report.Tables), "findings": report.Findings, "ok": true}, nil
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
