package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/readiness"
	"github.com/sluicedb/sluice/target"
)

// checkOnly prints the checklist and changes nothing.
func (e *cutoverEnv) checkOnly(ctx context.Context, f *cutoverFlags) error {
	items, err := e.checklist(ctx, f)
	if err != nil {
		return err
	}
	printChecklist(e.g.stdout, items)
	if !readiness.Ready(items) {
		return &notReadyError{msg: "not ready for cutover: fix what the checklist says and check again"}
	}
	fmt.Fprintln(e.g.stdout, "ready for cutover")
	return nil
}

// checklist runs readiness.Check and the checks of the live sync: each
// source's stream started and not failed, no table stopped, the lag under
// --max-lag.
func (e *cutoverEnv) checklist(ctx context.Context, f *cutoverFlags) ([]readiness.Item, error) {
	in := readiness.Inputs{Plan: e.p.Plan, Sources: e.p.Sources, State: e.tgt}
	if f.freeze == "source" {
		in.Freeze = &sluice.FreezeOptions{EndSessions: f.endSessions}
	}
	items, err := readiness.Check(ctx, in)
	if err != nil {
		return items, err
	}
	streams, err := e.streamItem(ctx)
	if err != nil {
		return items, err
	}
	lag, err := e.lagItem(ctx, f.maxLag)
	if err != nil {
		return items, err
	}
	return append(items, streams, lag), nil
}

func (e *cutoverEnv) streamItem(ctx context.Context) (readiness.Item, error) {
	var problems []string
	for _, c := range e.caps {
		st, err := e.tgt.Stream(ctx, c.name)
		if err != nil {
			return readiness.Item{}, err
		}
		switch {
		case st == nil:
			problems = append(problems, fmt.Sprintf("source %s has no stream: run sluice sync", c.name))
		case st.State == target.StreamFailed:
			problems = append(problems, fmt.Sprintf("source %s: its stream failed: %s; fix it and run sluice sync", c.name, st.Message))
		case st.State == target.StreamCopying:
			problems = append(problems, fmt.Sprintf("source %s: its initial copy has not finished; let sluice sync finish it", c.name))
		}
		stops, err := e.tgt.StreamStops(ctx, c.name)
		if err != nil {
			return readiness.Item{}, err
		}
		for table, why := range stops {
			problems = append(problems, fmt.Sprintf("%s is not streamed (%s); rerun sluice migrate for it, then sync", table, why))
		}
	}
	return checkItem("every source's stream started, none failed, no table stopped", problems), nil
}

// lagItem measures each source's lag: zero when the stream has applied the
// end of the source's log, else the time since it last applied a batch
// (or, where the source records commit times, the time between the
// applied transaction and the last one).
func (e *cutoverEnv) lagItem(ctx context.Context, max time.Duration) (readiness.Item, error) {
	var problems []string
	for _, c := range e.caps {
		lag, err := e.lag(ctx, c)
		if err != nil {
			return readiness.Item{}, err
		}
		if lag > max {
			problems = append(problems, fmt.Sprintf("source %s: the stream lags %s behind (more than --max-lag %s); run sluice sync until it catches up", c.name, lag.Round(time.Millisecond), max))
		}
	}
	return checkItem(fmt.Sprintf("the lag is under %s", max), problems), nil
}

func (e *cutoverEnv) lag(ctx context.Context, c *capture) (time.Duration, error) {
	st, err := e.tgt.Stream(ctx, c.name)
	if err != nil || st == nil {
		return 0, err
	}
	applied, err := c.cs.ParsePosition(st.Position)
	if err != nil {
		return 0, fmt.Errorf("source %s: read the applied position %q: %w", c.name, st.Position, err)
	}
	cs, err := c.cs.CaptureStatus(ctx, c.spec, applied)
	if err != nil {
		return 0, fmt.Errorf("source %s: %w", c.name, err)
	}
	if cs.Head == nil || cs.BehindBytes == 0 {
		return 0, nil
	}
	if cmp, err := cs.Head.Compare(applied); err == nil && cmp <= 0 {
		return 0, nil
	}
	switch {
	case !cs.HeadTime.IsZero() && !cs.AppliedTime.IsZero():
		return cs.HeadTime.Sub(cs.AppliedTime), nil
	}
	return time.Since(st.AppliedAt), nil
}

func checkItem(check string, problems []string) readiness.Item {
	return readiness.Item{Check: check, OK: len(problems) == 0, Problems: problems}
}

func printChecklist(w io.Writer, items []readiness.Item) {
	for _, it := range items {
		mark := "ok  "
		if !it.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "[%s] %s\n", mark, it.Check)
		for _, p := range it.Problems {
			fmt.Fprintf(w, "       %s\n", p)
		}
	}
}
