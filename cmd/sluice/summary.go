package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/sluicedb/sluice/migrate"
)

// printSummary writes what a run did: a line per table, the totals, and the
// first rejected rows with their reasons.
func printSummary(w io.Writer, s *migrate.Summary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "source table\ttarget\tsource rows\tloaded\trejected\tfiltered\tchunks\ttime\t")
	var src, loaded, rejected, filtered int64
	for _, t := range s.Tables {
		when := t.Elapsed.Round(time.Millisecond).String()
		if t.Skipped {
			when = "earlier run"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", t.ID, t.Target, t.SourceRows, t.Loaded, t.Rejected, t.Filtered, t.Chunks, when)
		src, loaded, rejected, filtered = src+t.SourceRows, loaded+t.Loaded, rejected+t.Rejected, filtered+t.Filtered
	}
	fmt.Fprintf(tw, "total\t\t%d\t%d\t%d\t%d\t\t%s\t\n", src, loaded, rejected, filtered, s.Elapsed.Round(time.Millisecond))
	tw.Flush()
	fmt.Fprintf(w, "\nrun %d: %d rows loaded, %d rejected, %d filtered in %s\n", s.RunID, loaded, rejected, filtered, s.Elapsed.Round(time.Millisecond))
	printRejects(w, s)
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
