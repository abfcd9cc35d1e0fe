package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/target"
)

func newStatus(g *globals) *cobra.Command {
	var targetURL string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each table's state, rows loaded, chunks and rejects, from any process",
		Long: `Status reads the state schema "sluice" in the target database, so it works from
any terminal or machine, during a run or after it: the latest run, and for each
table its state, rows loaded of the source's rows (or of the estimate while
loading), rejected and filtered rows, and chunks committed. With live sync, each
source's stream: its state (copying, streaming, caught up, stopped, failed), the
position applied, the lag, the log not yet applied and what a PostgreSQL slot
retains (as the sync last read them from the source), changes applied and per
second, rejects, and the tables whose stream stopped, with why. --json prints the
same as one JSON object.`,
		Example: `  sluice status
  sluice status --target postgres://postgres@127.0.0.1/sluice_demo
  watch -n 2 sluice status`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			show := showStatus
			if asJSON {
				show = showStatusJSON
			}
			if targetURL != "" {
				return show(cmd.Context(), g.stdout, targetURL)
			}
			cfg, err := config.Load(g.config)
			if err != nil {
				return err
			}
			return showAllStatus(cmd.Context(), g.stdout, cfg, show, asJSON)
		},
	}
	cmd.Flags().StringVar(&targetURL, "target", "", "the target database URL (default: the config's target)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON (one object per target database)")
	return cmd
}

// showAllStatus shows each target database's state, under its name when
// the config splits the tables over several.
func showAllStatus(ctx context.Context, w io.Writer, cfg *config.Config, show func(context.Context, io.Writer, string) error, asJSON bool) error {
	for i, tc := range cfg.Targets {
		if len(cfg.Targets) > 1 && !asJSON {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "== target database %s\n", tc.Name)
		}
		if err := show(ctx, w, tc.URL); err != nil {
			return err
		}
	}
	return nil
}

func showStatus(ctx context.Context, w io.Writer, url string) error {
	tgt, err := target.Open(ctx, url)
	if err != nil {
		return err
	}
	defer tgt.Close()
	st, err := tgt.Status(ctx)
	if errors.Is(err, target.ErrNoState) {
		st, err = nil, nil
	}
	if err != nil {
		return fmt.Errorf("read the state of %s: %w", sluice.RedactURL(url), err)
	}
	if err := printCutover(ctx, w, tgt); err != nil {
		return err
	}
	if err := printFreezes(ctx, w, tgt); err != nil {
		return err
	}
	if st == nil || st.Run == nil {
		fmt.Fprintln(w, "no migration has run against this target yet")
		return nil
	}
	printRun(w, st.Run)
	streams, err := readStreams(ctx, tgt, st.Tables)
	if err != nil {
		return err
	}
	printStreams(w, streams)
	printTables(w, st.Tables)
	printStateNotes(w, st.Tables)
	printFailures(w, st.Failures)
	printRetired(w, st.Retired)
	return nil
}

// printStateNotes counts the tables by state and lists why each table
// failed, did not start, or was loaded without its primary key.
func printStateNotes(w io.Writer, tables []target.TableStatus) {
	counts := map[string]int{}
	notes := map[string][]string{}
	for _, t := range tables {
		state := t.State
		if state == target.StatePending && t.Message != "" {
			state = "not started"
		}
		counts[state]++
		if t.Message != "" && state != target.StateLoading {
			notes[state] = append(notes[state], t.ID+": "+t.Message)
		}
	}
	var parts []string
	for _, s := range []string{target.StateDone, target.StateFailed, "not started", target.StatePending, target.StateLoading, target.StateLoaded, target.StateIndexed} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	fmt.Fprintf(w, "\ntables: %s\n", strings.Join(parts, ", "))
	for _, s := range []struct{ state, title string }{
		{target.StateFailed, "failed (a rerun loads these again)"},
		{"not started", "not started"},
		{target.StateDone, "loaded without their primary key"},
	} {
		if len(notes[s.state]) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", s.title)
		for _, n := range notes[s.state] {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
}

// printRun writes the run's status once, then when it ended: "run 7: ok,
// finished ..." or "run 8: running, started ...".
func printRun(w io.Writer, r *target.RunInfo) {
	when := ""
	if r.FinishedAt != nil {
		when = "finished " + r.FinishedAt.Local().Format(time.DateTime) + ", "
	}
	fmt.Fprintf(w, "run %d: %s, %sstarted %s by %s@%s (pid %d)\n", r.ID, r.Status, when,
		r.StartedAt.Local().Format(time.DateTime), r.OSUser, r.Host, r.PID)
	if r.Message != "" {
		fmt.Fprintf(w, "  %s\n", r.Message)
	}
	fmt.Fprintln(w)
}

// printRetired lists the tables the config no longer plans: they are kept
// in the state schema, out of the table above.
func printRetired(w io.Writer, retired []target.TableStatus) {
	if len(retired) == 0 {
		return
	}
	fmt.Fprintf(w, "\nno longer in the config (renamed or removed; their ledger is kept):\n")
	for _, t := range retired {
		fmt.Fprintf(w, "  %s -> %s: %s, %d rows loaded, retired %s\n", t.ID, t.TargetTable, t.State,
			t.RowsLoaded, t.RetiredAt.Local().Format(time.DateTime))
	}
}

// printTables writes a line per table with the words of the migrate
// summary (docs/METRICS.md), counted over the table's current load: source
// rows (the estimate until counted), read, loaded (inserted + updated),
// unchanged, rejected, filtered, how far it got, and chunks.
func printTables(w io.Writer, tables []target.TableStatus) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\ttarget\tstate\tsource rows\tread\tloaded\tunchanged\trejected\tfiltered\t%\tchunks\tupdated\t")
	for _, t := range tables {
		total := t.RowsEstimated
		if t.RowsSource != nil {
			total = *t.RowsSource
		}
		pct := "-"
		if want := total - t.RowsFiltered; want > 0 {
			pct = fmt.Sprintf("%.0f", min(100, 100*float64(t.RowsRead)/float64(want)))
		}
		state := t.State
		if state == target.StatePending && t.Message != "" {
			state = "not started"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%d/%d\t%s\t\n", t.ID, t.TargetTable, state,
			total, t.RowsRead, t.RowsInserted+t.RowsUpdated, t.RowsUnchanged, t.RowsRejected, t.RowsFiltered, pct,
			t.ChunksDone, t.ChunksEstimated, t.UpdatedAt.Local().Format(time.TimeOnly))
	}
	tw.Flush()
}
