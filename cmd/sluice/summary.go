package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/target"
)

// printSummary writes what a run did: a line per table, the totals, the
// tables that failed or did not start and why, and the first rejected rows
// with their reasons. Every count is this run's own (docs/METRICS.md
// defines the words): a resumed table's earlier chunks are listed apart, a
// table an earlier run finished counts nothing, and a table that failed,
// never started or was stopped says so. A count a table never made is "-";
// a failed or not-started table is not in the totals.
func printSummary(w io.Writer, s *migrate.Summary) {
	merged := anyMerged(s)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "source table\ttarget\tsource rows\tread\tloaded\t"
	if merged {
		head += "inserted\tupdated\tunchanged\tdeleted\t"
	}
	fmt.Fprintln(tw, head+"rejected\tfiltered\tchunks\ttime\t")
	var tot migrate.Counts
	for _, t := range s.Tables {
		fmt.Fprintln(tw, tableLine(merged, t))
		if t.NotStarted == "" && t.Failed == "" {
			tot = tot.Add(migrate.CountsOf(t))
		}
	}
	fmt.Fprintf(tw, "total\t\t%d\t%d\t%d\t%s%d\t%d\t%d\t%s\t\n", tot.SourceRows, tot.Read, tot.Written,
		changes(merged, tot), tot.Rejected, tot.Filtered, tot.Chunks, s.Elapsed.Round(time.Millisecond))
	tw.Flush()
	fmt.Fprintf(w, "\n%s: %d rows read, %d loaded, %d unchanged, %d rejected, %d filtered in %s\n", runLabel(s),
		tot.Read, tot.Written, tot.Unchanged, tot.Rejected, tot.Filtered, s.Elapsed.Round(time.Millisecond))
	fmt.Fprintln(w, tableCounts(s))
	if merged {
		fmt.Fprintf(w, "changes: %d inserted, %d updated, %d unchanged, %d deleted\n", tot.Inserted, tot.Updated, tot.Unchanged, tot.Deleted)
	}
	printEarlier(w, s)
	printTableProblems(w, s)
	printRejects(w, s)
	printFailures(w, s.Failures)
}

// printFailures lists the indexes and views that could not be created,
// with the target's reason: the rows are loaded, the objects are missing.
func printFailures(w io.Writer, fs []target.ObjectFailure) {
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(w, "\nnot created (%d; kept in sluice.object_failures, tried again by the next run):\n", len(fs))
	for _, f := range fs {
		of := ""
		if f.TableID != "" {
			of = " of " + f.TableID
		}
		fmt.Fprintf(w, "  %s %s.%s%s: %s\n", f.Kind, f.Schema, f.Name, of, f.Reason)
	}
}

// tableLine is one table's line: this run's counts, or "-" for what a table
// that did not start never counted and for the source rows of one that
// failed or stopped before it was counted.
func tableLine(merged bool, t migrate.TableResult) string {
	c := migrate.CountsOf(t)
	if t.NotStarted != "" {
		dashes := strings.Repeat("-\t", 7)
		if merged {
			dashes += strings.Repeat("-\t", 4)
		}
		return fmt.Sprintf("%s\t%s\t%snot started\t", t.ID, t.Target, dashes)
	}
	source, filtered := "-", "-"
	if t.SourceRows > 0 || t.Failed == "" && !t.Stopped {
		source, filtered = fmt.Sprint(t.SourceRows), fmt.Sprint(t.Filtered)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%d\t%d\t%s%d\t%s\t%d\t%s\t", t.ID, t.Target, source, c.Read, c.Written,
		changes(merged, c), c.Rejected, filtered, c.Chunks, when(t))
}

// printEarlier lists the tables this run resumed, with what earlier runs
// had committed of them: the table above counts only this run's chunks,
// and sluice status the whole.
func printEarlier(w io.Writer, s *migrate.Summary) {
	var lines []string
	for _, t := range s.Tables {
		if t.Skipped || t.Chunks <= t.ThisRun.Chunks {
			continue
		}
		lines = append(lines, fmt.Sprintf("  %s: %d rows read in %d chunks by earlier runs, %d in %d by this one",
			t.ID, t.Read-t.ThisRun.Read, t.Chunks-t.ThisRun.Chunks, t.ThisRun.Read, t.ThisRun.Chunks))
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nresumed (sluice status shows each table's whole load):\n%s\n", strings.Join(lines, "\n"))
	}
}

// tableCounts says how many tables loaded, failed and did not start.
func tableCounts(s *migrate.Summary) string {
	var loaded, earlier, failed, waiting, keyless int
	for _, t := range s.Tables {
		switch {
		case t.NotStarted != "":
			waiting++
		case t.Failed != "":
			failed++
		case t.Skipped:
			earlier++
		default:
			loaded++
		}
		if t.Keyless != "" {
			keyless++
		}
	}
	out := fmt.Sprintf("tables: %d loaded, %d failed, %d not started", loaded, failed, waiting)
	if earlier > 0 {
		out += fmt.Sprintf(", %d finished by an earlier run", earlier)
	}
	if keyless > 0 {
		out += fmt.Sprintf("; %d loaded without its primary key", keyless)
	}
	return out
}

// printTableProblems lists the tables that failed, did not start or lost
// their primary key, and the foreign keys left unvalidated because of them.
func printTableProblems(w io.Writer, s *migrate.Summary) {
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	var failed, waiting, keyless, fks []string
	for _, t := range s.Tables {
		switch {
		case t.NotStarted != "":
			waiting = append(waiting, t.ID+": "+t.NotStarted)
		case t.Failed != "":
			failed = append(failed, t.ID+": "+t.Failed)
		case t.Keyless != "":
			keyless = append(keyless, t.ID+": "+t.Keyless)
		}
	}
	for _, f := range s.ForeignKeys {
		state := "added NOT VALID, not validated"
		if !f.Added {
			state = "not added: " + f.Refused
		}
		fks = append(fks, fmt.Sprintf("%s.%s -> %s: %s (%s)", f.Table, f.Name, f.RefTable, state, f.Why))
	}
	section("failed tables (the other tables went on; a rerun loads these again)", failed)
	section("not started", waiting)
	section("loaded without their primary key (bad_keys: load; `sluice verify` reports the keys)", keyless)
	section("foreign keys not validated", fks)
}

// anyMerged reports a run in which some table merged into existing rows:
// only then do inserted, updated and unchanged say more than loaded.
func anyMerged(s *migrate.Summary) bool {
	for _, t := range s.Tables {
		c := t.ThisRun
		if !t.Skipped && (c.Updated+c.Unchanged+t.Deleted > 0) {
			return true
		}
	}
	return false
}

func changes(merged bool, c migrate.Counts) string {
	if !merged {
		return ""
	}
	return fmt.Sprintf("%d\t%d\t%d\t%d\t", c.Inserted, c.Updated, c.Unchanged, c.Deleted)
}

func when(t migrate.TableResult) string {
	switch {
	case t.Skipped:
		return "earlier run"
	case t.Failed != "":
		return "FAILED"
	case t.Stopped:
		return "stopped"
	}
	return t.Elapsed.Round(time.Millisecond).String()
}

// runLabel names the run, or the run in each database of a split.
func runLabel(s *migrate.Summary) string {
	if len(s.Runs) <= 1 {
		return fmt.Sprintf("run %d", s.RunID)
	}
	parts := make([]string, len(s.Runs))
	for i, r := range s.Runs {
		parts[i] = fmt.Sprintf("%s run %d", r.Database, r.RunID)
	}
	return strings.Join(parts, ", ")
}

func printRejects(w io.Writer, s *migrate.Summary) {
	if len(s.Rejects) == 0 {
		return
	}
	fmt.Fprintf(w, "\nrejected rows (first %d; all of them are in sluice.rejects):\n", len(s.Rejects))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  table\tkey\tcolumn\treason\traw value")
	for _, r := range s.Rejects {
		fmt.Fprintf(tw, "  %s.%s\t%s\t%s\t%s\t%s\n", r.Source, r.SourceTable, r.Key, r.Column, r.Reason, clipText(r.RawText, 40))
	}
	tw.Flush()
}

// clipText shortens a value for a one-line report.
func clipText(s string, n int) string {
	s = strings.NewReplacer("\n", `\n`, "\t", `\t`).Replace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "~"
}
