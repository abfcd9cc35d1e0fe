package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/freeze"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/postgres"
	"github.com/sluicedb/sluice/readiness"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// cutover is one cutover command's work: a run of its own in the target,
// holding the migration lock (so no sync or migrate runs beside it), that
// moves the open cutover record on from its phase.
type cutover struct {
	*cutoverEnv
	f       *cutoverFlags
	levels  []int
	session *target.Session
	rec     target.Cutover
	// proven is what the proof before the freeze proved (cutover_prove.go);
	// nil when it did not run in this process: the freeze proves every row.
	proven *provenRows
}

// cutoverSteps are the steps in order, each named by the phase it records.
var cutoverSteps = []struct {
	from string
	do   func(*cutover, context.Context) error
}{
	{target.PhaseChecking, (*cutover).freeze},
	{target.PhaseFrozen, (*cutover).drain},
	{target.PhaseDrained, (*cutover).prove},
	{target.PhaseProven, (*cutover).finish},
	{target.PhaseFinished, (*cutover).switchOver},
}

func (c *cutover) run(ctx context.Context) (err error) {
	c.session, err = c.tgt.BeginSession(ctx, target.RunSpec{Command: "cutover", ConfigHash: c.p.Config.Hash, Version: sluiceVersion(),
		Lock: "migrate", Details: map[string]any{"command": "cutover", "freeze": c.f.freeze, "verify": c.f.verify, "max_lag": c.f.maxLag.String()}})
	if err != nil {
		return err
	}
	defer func() { err = c.end(ctx, err) }()
	if c.rec, err = c.tgt.BeginCutover(ctx, c.session.ID()); err != nil {
		return err
	}
	switch c.rec.Phase {
	case target.PhaseSwitched:
		fmt.Fprintf(c.g.stdout, "the cutover is done already (switched %s): the target is authoritative\n", c.rec.Updated.UTC().Format(time.RFC3339))
		return nil
	case target.PhaseRollingBack:
		return &notReadyError{msg: "a rollback of this cutover was interrupted: run sluice rollback to finish it"}
	case target.PhaseChecking:
		if err := c.ready(ctx); err != nil {
			return err
		}
	default:
		fmt.Fprintf(c.g.stderr, "cutover: resuming at phase %s\n", c.rec.Phase)
	}
	for i, s := range cutoverSteps {
		if s.from != c.rec.Phase {
			continue
		}
		if err := s.do(c, ctx); err != nil {
			return err
		}
		if i+1 < len(cutoverSteps) && c.rec.Phase != cutoverSteps[i+1].from {
			return fmt.Errorf("cutover step after %s recorded phase %s", s.from, c.rec.Phase)
		}
	}
	return nil
}

// end records how the run ended.
func (c *cutover) end(ctx context.Context, err error) error {
	status, msg := target.RunOK, ""
	var nr *notReadyError
	switch {
	case errors.Is(err, sluice.ErrInterrupted) || ctx.Err() != nil:
		status, msg = "interrupted", "stopped by a signal; sluice cutover resumes at phase "+c.rec.Phase
		err = sluice.ErrInterrupted
	case errors.As(err, &nr):
		status, msg = target.RunFailed, "refused: "+err.Error()
	case err != nil:
		status, msg = target.RunFailed, err.Error()
	}
	if _, endErr := c.session.End(ctx, status, msg, map[string]any{"phase": c.rec.Phase}); err == nil {
		err = endErr
	}
	return err
}

// step records phase with its audit entry, and stops the process there
// when the test flag asks for it.
func (c *cutover) step(ctx context.Context, s target.CutoverStep) error {
	rec, err := c.tgt.CutoverStep(ctx, c.rec.ID, c.session.ID(), s)
	if err != nil {
		return err
	}
	c.rec = rec
	fmt.Fprintf(c.g.stderr, "cutover: %s (%s)\n", s.Phase, time.Now().UTC().Format(time.RFC3339Nano))
	c.f.stopHere(s.Phase)
	return nil
}

// ready runs the checklist; when the stream lags, it catches up first
// (the sources still writable) and measures the lag again.
func (c *cutover) ready(ctx context.Context) error {
	items, err := c.checklist(ctx, c.f)
	if err != nil {
		return err
	}
	if readiness.Ready(items[:len(items)-1]) {
		if err := c.catchUp(ctx); err != nil {
			return err
		}
		if items[len(items)-1], err = c.lagItem(ctx, c.f.maxLag); err != nil {
			return err
		}
	}
	if !readiness.Ready(items) {
		printChecklist(c.g.stdout, items)
		return &notReadyError{msg: "cutover refused: not ready (the checklist above says why); nothing was changed on the sources"}
	}
	return nil
}

// catchUp applies each source's stream up to its end of log now.
func (c *cutover) catchUp(ctx context.Context) error {
	goals := map[string]sluice.Position{}
	for _, cp := range c.caps {
		st, err := cp.cs.CaptureStatus(ctx, cp.spec, nil)
		if err != nil {
			return fmt.Errorf("source %s: %w", cp.name, err)
		}
		goals[cp.name] = st.Head
	}
	return c.apply(ctx, goals, "cutover catch-up")
}

// apply follows every source's stream up to its goal, then reruns the
// tables kept current by reruns, as sync --catch-up does, under this run.
func (c *cutover) apply(ctx context.Context, goals map[string]sluice.Position, why string) error {
	s := &syncer{g: c.g, f: &syncFlags{batch: c.f.batch}, p: c.p, tgts: c.tgts, caps: c.caps}
	runs := &syncRuns{ids: map[string]int64{c.db: c.session.ID()}, sessions: map[string]*target.Session{c.db: c.session}}
	return s.catchUpTo(ctx, goals, runs, why)
}

// freeze stops writes on the sources and reads their positions.
func (c *cutover) freeze(ctx context.Context) error {
	if err := c.proveBefore(ctx); err != nil {
		return err
	}
	if c.f.freeze == "none" {
		if err := c.confirmStopped(); err != nil {
			return err
		}
	}
	positions := map[string]string{}
	if err := c.step(ctx, target.CutoverStep{Phase: target.PhaseChecking, FreezeStarted: true, Details: map[string]any{"ready": true, "freeze": c.f.freeze}}); err != nil {
		return err
	}
	for _, cp := range c.caps {
		pos, err := c.freezeOne(ctx, cp)
		if err != nil {
			return c.thawAfter(ctx, "freeze", err)
		}
		positions[cp.name] = pos
	}
	started, err := c.freezeStart(ctx)
	if err != nil {
		return c.thawAfter(ctx, "freeze", err)
	}
	return c.step(ctx, target.CutoverStep{Phase: target.PhaseFrozen, Positions: positions, FreezeStartedAt: started})
}

// freezeStart is when the first source was frozen: the earliest open freeze
// record of the sources (written just before each read-only switch, and
// kept by a resumed freeze); zero with --freeze none. The target's own
// freeze (a rollback's) is not one of them.
func (c *cutover) freezeStart(ctx context.Context) (time.Time, error) {
	open, err := c.tgt.OpenFreezes(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var first time.Time
	for _, f := range open {
		if _, source := c.p.Sources[f.Source]; !source {
			continue
		}
		if first.IsZero() || f.Started.Before(first) {
			first = f.Started
		}
	}
	return first, nil
}

func (c *cutover) freezeOne(ctx context.Context, cp *capture) (string, error) {
	if c.f.freeze == "none" {
		st, err := cp.cs.CaptureStatus(ctx, cp.spec, nil)
		if err != nil || st.Head == nil {
			return "", fmt.Errorf("source %s: read the end of its log: %w", cp.name, err)
		}
		return st.Head.String(), nil
	}
	f, ok := cp.cs.(sluice.Freezer)
	if !ok {
		return "", fmt.Errorf("source %s (%s) cannot be frozen by Sluice: use --freeze none", cp.name, cp.cs.Engine())
	}
	opts := sluice.FreezeOptions{EndSessions: c.f.endSessions, Settled: true, Wait: c.f.sessionWait}
	st, err := freeze.Source(ctx, c.tgt, cp.name, f, opts)
	var left *sluice.WritersLeft
	if errors.As(err, &left) {
		return "", fmt.Errorf("freeze source %s: %w\nstop them (the application's connection pool), wait longer (--session-wait), or let Sluice end them (--end-sessions)", cp.name, err)
	}
	if err != nil {
		return "", fmt.Errorf("freeze source %s: %w", cp.name, err)
	}
	for _, w := range st.Writers {
		what := "may still write: " + w.Why
		if w.Ended {
			what = "ended: " + w.Why
		}
		fmt.Fprintf(c.g.stderr, "cutover: source %s: session %s (%s, %s@%s) %s\n", cp.name, w.ID, w.Application, w.User, w.Host, what)
	}
	if st.Position == nil {
		return "", fmt.Errorf("source %s: the freeze read no position", cp.name)
	}
	return st.Position.String(), nil
}

// confirmStopped asks the person running the cutover whether the
// application's writes have stopped (--freeze none), unless --yes.
func (c *cutover) confirmStopped() error {
	if c.f.yes {
		return nil
	}
	fmt.Fprint(c.g.stderr, "--freeze none: have the application's writes to the sources stopped? Type yes to go on: ")
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return &notReadyError{msg: "cutover refused: writes were not confirmed stopped; nothing was changed"}
	}
	return nil
}

// thawAfter undoes the freeze after a step refused or failed before the
// switch, so that a cutover that does not go through leaves the sources
// writable, and records the cutover back at phase checking.
func (c *cutover) thawAfter(ctx context.Context, what string, cause error) error {
	ctx = context.WithoutCancel(ctx)
	if err := c.thawSources(ctx); err != nil {
		return errors.Join(cause, fmt.Errorf("unfreeze the sources after the %s failed: %w; sluice rollback unfreezes them", what, err))
	}
	err := c.step(ctx, target.CutoverStep{Phase: target.PhaseChecking, FreezeEnded: true,
		Details: map[string]any{"refused": what, "cause": sluice.RedactURL(cause.Error()), "thawed": true}})
	return errors.Join(cause, err, &notReadyError{msg: fmt.Sprintf("cutover stopped at the %s; the sources were unfrozen and stay authoritative", what)})
}

// thawSources unfreezes every source Sluice froze.
func (c *cutoverEnv) thawSources(ctx context.Context) error {
	var errs []error
	for name, src := range c.p.Sources {
		f, ok := src.(sluice.Freezer)
		if !ok {
			continue
		}
		thawed, err := freeze.Thaw(ctx, c.tgt, name, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("unfreeze source %s: %w", name, err))
		} else if thawed {
			fmt.Fprintf(c.g.stderr, "source %s unfrozen\n", name)
		}
	}
	return errors.Join(errs...)
}

// drain applies each stream up to its freeze position.
func (c *cutover) drain(ctx context.Context) error {
	goals := map[string]sluice.Position{}
	for _, cp := range c.caps {
		text, ok := c.rec.Positions[cp.name]
		if !ok {
			return fmt.Errorf("source %s: no freeze position recorded", cp.name)
		}
		pos, err := cp.cs.ParsePosition(text)
		if err != nil {
			return fmt.Errorf("source %s: freeze position %q: %w", cp.name, text, err)
		}
		goals[cp.name] = pos
	}
	if err := c.apply(ctx, goals, "cutover drain, on the frozen sources"); err != nil {
		if ctx.Err() != nil {
			return err
		}
		return c.thawAfter(ctx, "drain", err)
	}
	return c.step(ctx, target.CutoverStep{Phase: target.PhaseDrained})
}

// prove verifies the target against the frozen sources.
func (c *cutover) prove(ctx context.Context) error {
	opts, err := verifyOptions(ctx, c.tgt, c.levels)
	keys, reread := c.frozenKeys()
	opts.Keys = keys
	var report *verify.Report
	if err == nil {
		report, err = verify.All(ctx, c.p.Plan, c.p.Sources, c.tgt, opts)
	}
	if err == nil {
		err = verify.Record(ctx, c.tgt, c.session.ID(), report)
	}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return c.thawAfter(ctx, "proof", err)
	}
	result := map[string]any{"levels": c.levels, "tables": len(report.Tables), "findings": report.Findings, "ok": report.OK()}
	if keys != nil {
		result["passes_before_freeze"], result["keys_read_under_freeze"] = c.proven.pass, reread
	}
	if !report.OK() {
		_ = writeReport(c.g, &verifyFlags{}, report)
		return c.thawAfter(ctx, "proof", fmt.Errorf("the target differs from the frozen sources: %d finding(s), listed above", report.Findings))
	}
	return c.step(ctx, target.CutoverStep{Phase: target.PhaseProven, Verify: result})
}

// finish moves identity sequences past the highest key and validates the
// foreign keys created NOT VALID.
func (c *cutover) finish(ctx context.Context) error {
	next := map[string]int64{}
	for _, t := range c.p.Plan.Tables {
		for _, col := range t.Columns {
			if !col.AutoIncrement {
				continue
			}
			n, ok, err := c.tgt.AdvanceIdentity(ctx, plan.AdvanceIdentity(c.p.Plan.Schema, t, col))
			if err != nil {
				return fmt.Errorf("move the sequence of %s.%s past its values: %w", t.Name, col.Name, err)
			}
			if ok {
				next[t.Name+"."+col.Name] = n
			}
		}
	}
	validated, err := c.tgt.ValidateConstraints(ctx, c.p.Plan.Schema, targetTables(c.p.Plan))
	if err != nil {
		return c.thawAfter(ctx, "finish", err)
	}
	return c.step(ctx, target.CutoverStep{Phase: target.PhaseFinished, Details: map[string]any{"identities": next, "validated": validated}})
}

// targetTables lists the plan's target tables, each once.
func targetTables(p *plan.Plan) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range p.Tables {
		if !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t.Name)
		}
	}
	return out
}

// switchOver prepares the reverse stream, records the switch and only then
// says that the application may move.
func (c *cutover) switchOver(ctx context.Context) error {
	tables := targetTables(c.p.Plan)
	if err := c.thawTarget(ctx); err != nil {
		return err
	}
	if err := c.tgt.SetReplicaIdentityFull(ctx, c.p.Plan.Schema, tables); err != nil {
		return err
	}
	if err := prepareReverseCapture(ctx, c.p.Config.Target.URL, c.p.Plan.Schema, reverseSpec(c.p)); err != nil {
		return err
	}
	if err := c.step(ctx, target.CutoverStep{Phase: target.PhaseSwitched, Authoritative: target.SideTarget, FreezeEnded: true}); err != nil {
		return err
	}
	fmt.Fprintf(c.g.stdout, "cutover done: the target is authoritative; the application may now point at it.\n")
	fmt.Fprintf(c.g.stdout, "write freeze: %s. The sources stay frozen; sluice sync now writes the target's changes back to them, sluice rollback goes back.\n",
		c.rec.FreezeDuration().Round(time.Millisecond))
	return nil
}

// reverseSpec is the capture on the target that the reverse stream reads.
// Its name holds the target's URL (redacted) as well as the schema, as the
// forward streams' do: slots belong to the whole server, so two migrations
// into schema public of two databases of one server must not share one.
func reverseSpec(p *engines.Prepared) sluice.CaptureSpec {
	name := "sluice reverse " + p.Plan.Schema + " " + sluice.RedactURL(p.Config.Target.URL)
	return sluice.CaptureSpec{Name: name, Tables: targetTables(p.Plan), ReplicaIdentityFull: true}
}

// openTargetCapture opens the target as a PostgreSQL source of changes, on
// the plan's schema.
func openTargetCapture(ctx context.Context, targetURL, schema string) (*postgres.Source, error) {
	u, err := url.Parse(targetURL)
	if err != nil {
		return nil, fmt.Errorf("target URL: %w", err)
	}
	q := u.Query()
	q.Set("schema", schema)
	u.RawQuery = q.Encode()
	return postgres.Open(ctx, "target", u.String())
}

// prepareReverseCapture creates the target's publication and slot, so that
// every write the application makes after the switch is kept for the
// reverse stream.
func prepareReverseCapture(ctx context.Context, targetURL, schema string, spec sluice.CaptureSpec) error {
	src, err := openTargetCapture(ctx, targetURL, schema)
	if err != nil {
		return err
	}
	defer src.Close()
	snap, err := src.Snapshot(ctx, spec)
	if err != nil {
		return fmt.Errorf("capture the target's changes for the reverse stream: %w", err)
	}
	snap.Close()
	return nil
}
