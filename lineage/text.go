package lineage

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteJSON writes the lineage as one indented JSON document. Empty lists
// are written as [], not null, so that a reader can count them.
func (l *Lineage) WriteJSON(w io.Writer) error {
	out := *l
	out.Audit = orEmpty(out.Audit)
	out.Rows = orEmpty(out.Rows)
	out.Rejects = orEmpty(out.Rejects)
	out.Source.KeyCols = orEmpty(out.Source.KeyCols)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WriteText writes the lineage for a person: a section per question (where
// from, how mapped, which chunk and run, which audit entries, what values).
func (l *Lineage) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, section := range []func(io.Writer){l.writeHead, l.writeSource, l.writeMatched, l.writeMapping, l.writeLoad, l.writeAudit, l.writeRows, l.writeNotes} {
		section(tw)
	}
	return tw.Flush()
}

func (l *Lineage) writeHead(w io.Writer) {
	fmt.Fprintf(w, "%s key %s → %s.%s", l.Source.TableID, l.Source.Key, l.Target.Schema, l.Target.Table)
	switch {
	case len(l.Rejects) > 0 && l.Target.UUID != "":
		fmt.Fprintf(w, ": rejected, not loaded (its uuid would be %s)", l.Target.UUID)
	case len(l.Rejects) > 0:
		fmt.Fprint(w, ": rejected, not loaded")
	case l.Target.UUID != "":
		fmt.Fprintf(w, " row %s", l.Target.UUID)
	}
	fmt.Fprint(w, "\n\n")
}

func (l *Lineage) writeSource(w io.Writer) {
	s := l.Source
	fmt.Fprintln(w, "Source")
	fmt.Fprintf(w, "  database\t%s (%s)\n", s.Database, strings.Join(nonEmpty(s.Engine, s.URL), ", "))
	fmt.Fprintf(w, "  table\t%s\n", s.Table)
	fmt.Fprintf(w, "  legacy key\t%s = %s\n", orDash(strings.Join(s.KeyCols, ", ")), s.Key)
	if s.Page != "" {
		fmt.Fprintf(w, "  read as\t%s = %s\n", strings.Join(s.PageCols, ", "), s.Page)
	}
	fmt.Fprintf(w, "  target\t%s.%s, generation %d (%s), keys: %s\n\n", l.Target.Schema, l.Target.Table, l.Target.Generation, l.Target.State, l.Target.Keys)
}

// writeMatched lists the source rows a matched entity stands for.
func (l *Lineage) writeMatched(w io.Writer) {
	if len(l.Matched) == 0 {
		return
	}
	fmt.Fprintln(w, "Matched (sluice.legacy_keys: every source row this row stands for)")
	for _, k := range l.Matched {
		fmt.Fprintf(w, "  %s\tlegacy key %s\n", k.TableID, k.LegacyKey)
	}
	fmt.Fprintln(w)
}

func (l *Lineage) writeMapping(w io.Writer) {
	m := l.Mapping
	same := "the current config's mapping is the same"
	if m.Changed {
		same = "WARNING: the current config's mapping differs (" + short(m.CurrentHash) + "); shown below is the current one"
	}
	fmt.Fprintf(w, "Mapping (plan_hash %s: %s)\n", orDash(short(m.PlanHash)), same)
	fmt.Fprintln(w, "  column\ttype\trole\tfrom")
	for _, c := range m.Columns {
		from := c.From
		if c.References != "" {
			from += " → " + c.References
		}
		if c.Identity != "" {
			from += " (identity of " + c.Identity + ")"
		}
		if c.Default != nil {
			from += ", default " + strconv.Quote(*c.Default)
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", c.Name, c.Type, c.Role, from)
	}
	fmt.Fprintln(w)
}

func (l *Lineage) writeLoad(w io.Writer) {
	fmt.Fprintln(w, "Load")
	if c := l.Chunk; c != nil {
		fmt.Fprintf(w, "  chunk\t%d of generation %d: keys after %s through %s; %d read, %d loaded, %d rejected; committed %s\n",
			c.No, c.Generation, orText(c.AfterKey, "(start)"), orText(c.LastKey, "(end)"), c.RowsRead, c.RowsLoaded, c.RowsRejected, stamp(c.CommittedAt))
	} else {
		fmt.Fprintln(w, "  chunk\tunknown chunk\t")
	}
	if r := l.Run; r != nil {
		end := "still running"
		if r.FinishedAt != nil {
			end = "finished " + stamp(*r.FinishedAt)
		}
		fmt.Fprintf(w, "  run\t%d %s: %s; started %s, %s; by %s@%s (pid %d, sluice %s)\n",
			r.ID, r.Command, r.Status, stamp(r.StartedAt), end, r.OSUser, r.Host, r.PID, r.Version)
	}
	for _, r := range l.Rejects {
		raw := "NULL"
		if r.Raw != nil {
			raw = strconv.Quote(*r.Raw)
		}
		fmt.Fprintf(w, "  rejected\tcolumn %s, value %s: %s (run %d, chunk %d, %s)\n", orDash(r.Column), raw, r.Reason, r.RunID, r.ChunkNo, stamp(r.RejectedAt))
	}
	fmt.Fprintln(w)
}

func (l *Lineage) writeAudit(w io.Writer) {
	if len(l.Audit) == 0 {
		return
	}
	fmt.Fprintln(w, "Audit entries")
	for _, e := range l.Audit {
		fmt.Fprintf(w, "  seq %d\t%s\trun %d\t%s\n", e.Seq, e.Operation, e.RunID, stamp(e.At))
	}
	fmt.Fprintln(w)
}

func (l *Lineage) writeRows(w io.Writer) {
	for i, r := range l.Rows {
		if len(l.Rows) > 1 {
			fmt.Fprintf(w, "Target row %d of %d\n", i+1, len(l.Rows))
		} else {
			fmt.Fprintln(w, "Target row")
		}
		for _, v := range r {
			text := "NULL"
			if v.Text != nil {
				text = *v.Text
			}
			if strings.ContainsAny(text, "\t\n\r") {
				text = strconv.Quote(text) // keep one line per column
			}
			fmt.Fprintf(w, "  %s\t%s\n", v.Column, text)
		}
		fmt.Fprintln(w)
	}
}

func (l *Lineage) writeNotes(w io.Writer) {
	for _, n := range l.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func orDash(s string) string { return orText(s, "-") }

func orText(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
