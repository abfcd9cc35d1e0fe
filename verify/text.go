package verify

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText writes the report for a person: a table of every verified
// table by level (ok, n/a, skipped, or how many findings), then each
// finding on a line of its own.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "Verified %d tables: %s%s (%s, %s)\n\n", len(r.Tables), plural(r.Findings, "finding"), r.notFindings(),
		r.Started.UTC().Format(time.RFC3339), r.Finished.Sub(r.Started).Round(time.Millisecond))
	r.writeGrid(ew)
	r.writeCounts(ew)
	r.writeFindings(ew)
	return ew.err
}

// writeCounts states, for every table with rejected or filtered rows, how
// its source rows are accounted for: "ok" at level 1 must not read as
// "every row loaded". Then the rows kept whose source row is gone: "ok"
// must not read as "the target holds exactly the loaded rows" either.
func (r *Report) writeCounts(w io.Writer) {
	var rejected int64
	var lines []string
	for _, t := range r.Tables {
		c := t.Counts
		if c == nil || c.Rejected+c.Filtered == 0 {
			continue
		}
		rejected += c.Rejected
		lines = append(lines, fmt.Sprintf("  %s\tsource %d = loaded %d + rejected %d + filtered %d", t.ID, c.Source, c.Loaded, c.Rejected, c.Filtered))
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nRows not loaded: %s rejected (in sluice.rejects, with the reason), by table:\n", plural64(rejected, "row"))
		writeLines(w, lines)
	}
	r.writeKept(w)
}

// writeKept lists the tables that hold rows whose source row is gone.
func (r *Report) writeKept(w io.Writer) {
	var kept int64
	var lines []string
	for _, t := range r.Tables {
		if t.Kept > 0 {
			kept += t.Kept
			lines = append(lines, fmt.Sprintf("  %s\t%s\t%d", t.ID, t.Target, t.Kept))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRows kept: %s in the target whose source row is gone (strategy merge or append without\n"+
		"delete_missing keeps them; not a finding, and not among the loaded rows), by table:\n", plural64(kept, "row"))
	writeLines(w, lines)
}

func writeLines(w io.Writer, lines []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, l := range lines {
		fmt.Fprintln(tw, l)
	}
	tw.Flush()
}

func plural64(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(n, 10) + " " + noun + "s"
}

func (r *Report) writeGrid(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"TABLE", "TARGET"}
	for _, l := range Levels {
		head = append(head, fmt.Sprintf("%d %s", l, strings.ToUpper(LevelName(l))))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, t := range r.Tables {
		row := []string{t.ID, t.Target}
		for _, l := range Levels {
			row = append(row, cell(t.Levels, l))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
}

func cell(levels map[int]LevelResult, l int) string {
	res, ok := levels[l]
	switch {
	case !ok:
		return "-"
	case res.Status == StatusNotApplicable:
		return "n/a"
	case res.Findings > 0:
		return plural(res.Findings, "finding")
	}
	return res.Status
}

func (r *Report) writeFindings(w io.Writer) {
	if r.Findings == 0 {
		return
	}
	fmt.Fprintln(w, "\nFindings:")
	for _, t := range r.Tables {
		for _, f := range t.Findings {
			fmt.Fprintln(w, "  "+f.line())
		}
		for _, l := range t.levelNumbers() {
			if more := t.Levels[l].Findings - t.kept(l); more > 0 {
				fmt.Fprintf(w, "  %s level %d: %s not shown\n", t.ID, l, plural(more, "more finding"))
			}
		}
	}
}

// line is a finding on one line; values are quoted, so that a newline or
// trailing space in one shows.
func (f Finding) line() string {
	parts := []string{f.Table, fmt.Sprintf("level %d %s", f.Level, f.Check)}
	if f.LegacyKey != "" {
		parts = append(parts, "legacy "+f.LegacyKey)
	}
	if f.Key != "" {
		parts = append(parts, "key "+f.Key)
	}
	if f.Column != "" {
		parts = append(parts, "column "+f.Column)
	}
	if f.SourceValue != "" || f.TargetValue != "" {
		parts = append(parts, "source "+strconv.Quote(f.SourceValue)+" target "+strconv.Quote(f.TargetValue))
	}
	if f.Detail != "" {
		parts = append(parts, f.Detail)
	}
	return strings.Join(parts, "  ")
}

// kept counts the findings of level l the report holds.
func (tr *TableReport) kept(l int) int {
	n := 0
	for _, f := range tr.Findings {
		if f.Level == l {
			n++
		}
	}
	return n
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// errWriter keeps the first write error, so the writers need not check
// every line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// notFindings names, after the count of findings, what is no finding but
// what a reader of "0 findings" must know: rejected rows, and rows kept
// whose source row is gone.
func (r *Report) notFindings() string {
	var rejected, kept int64
	for _, t := range r.Tables {
		kept += t.Kept
		if t.Counts != nil {
			rejected += t.Counts.Rejected
		}
	}
	out := ""
	if rejected > 0 {
		out += ", " + plural64(rejected, "row") + " rejected"
	}
	if kept > 0 {
		out += ", " + plural64(kept, "row") + " kept whose source row is gone"
	}
	return out
}
