package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sluicedb/sluice/target"
)

// printFreezes says first which sources Sluice froze and has not unfrozen:
// a Sluice that stopped during a cutover may have left them read-only.
func printFreezes(ctx context.Context, w io.Writer, tgt *target.Target) error {
	open, err := tgt.OpenFreezes(ctx)
	if err != nil || len(open) == 0 {
		return err
	}
	var sources []target.Freeze
	for _, f := range open {
		if f.Source == targetFreeze {
			fmt.Fprintf(w, "target frozen by Sluice since %s (a rollback stopped its writes; the next sluice cutover unfreezes it)\n\n", f.Started.UTC().Format(time.RFC3339))
			continue
		}
		sources = append(sources, f)
	}
	if len(sources) == 0 {
		return nil
	}
	fmt.Fprintln(w, "sources frozen by Sluice (writes stopped; sluice rollback unfreezes them):")
	for _, f := range sources {
		fmt.Fprintf(w, "  %s\n", freezeLine(f))
	}
	fmt.Fprintln(w)
	return nil
}

func freezeLine(f target.Freeze) string {
	by := fmt.Sprintf("by pid %d on %s", f.PID, f.Host)
	if f.Status == "freezing" {
		return fmt.Sprintf("%s (%s): being frozen since %s %s, which stopped before recording the freeze position: the source may be read-only",
			f.Source, f.Engine, f.Started.UTC().Format(time.RFC3339), by)
	}
	line := fmt.Sprintf("%s (%s): frozen since %s %s, at position %s", f.Source, f.Engine, f.Frozen.UTC().Format(time.RFC3339), by, f.Position)
	n := 0
	for _, w := range f.Writers {
		if !w.Ended { // the freeze ended it: it writes no more
			n++
		}
	}
	if n > 0 {
		line += fmt.Sprintf("; %d sessions the freeze does not stop", n)
	}
	return line
}

// printCutover says, once a cutover began, which side is authoritative
// (where the application writes) and how far the latest cutover got (a
// rolled back one included); without one the sources are, and status says
// nothing of it.
func printCutover(ctx context.Context, w io.Writer, tgt *target.Target) error {
	c, found, err := tgt.LatestCutover(ctx)
	if err != nil {
		return err
	}
	if !found {
		return nil // no cutover: the sources, as always before one
	}
	side := "the sources"
	if c.Authoritative == target.SideTarget {
		side = "the target"
	}
	fmt.Fprintf(w, "authoritative: %s (cutover %d: %s since %s", side, c.ID, c.Phase, c.Updated.UTC().Format(time.RFC3339))
	if !c.FreezeStarted.IsZero() {
		fmt.Fprintf(w, "; write freeze %s", c.FreezeDuration().Round(time.Millisecond))
	}
	fmt.Fprintln(w, ")")
	switch {
	case c.Phase == target.PhaseRollingBack:
		fmt.Fprintln(w, "  a rollback stopped before it finished: sluice rollback finishes it")
	case c.Authoritative == target.SideSources && (c.Phase != target.PhaseChecking || !c.FreezeStarted.IsZero()):
		fmt.Fprintln(w, "  the cutover stopped before its switch: sluice cutover resumes it, sluice rollback undoes it")
	}
	return nil
}
