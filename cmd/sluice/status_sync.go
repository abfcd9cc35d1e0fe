package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/target"
)

// streamStatus is one source's live sync as status shows it.
type streamStatus struct {
	Source        string            `json:"source"`
	State         string            `json:"state"`
	Message       string            `json:"message,omitempty"`
	Position      string            `json:"position"`
	AppliedAt     time.Time         `json:"applied_at"`
	LagSeconds    float64           `json:"lag_seconds"`
	BehindBytes   int64             `json:"behind_bytes"`
	RetainedBytes int64             `json:"retained_bytes"`
	Changes       int64             `json:"changes"`
	Transactions  int64             `json:"transactions"`
	Rejects       int64             `json:"rejects"`
	PerSecond     float64           `json:"changes_per_second"`
	Stopped       map[string]string `json:"stopped_tables,omitempty"`
	Tables        []streamTable     `json:"tables"`
}

// The modes of a table under sync.
const (
	modeStreaming = "streaming" // its changes are applied as they come
	modeRerun     = "rerun"     // kept current by reruns of its load
	modeStopped   = "stopped"   // neither: rerun migrate for it
)

// streamTable is how sync keeps one table of the source current.
type streamTable struct {
	Table     string     `json:"table"`
	Mode      string     `json:"mode"`
	Reason    string     `json:"reason,omitempty"`
	Changes   int64      `json:"changes"`           // applied by the stream
	Skipped   int64      `json:"skipped,omitempty"` // carried by the stream, left to the reruns
	Reruns    int64      `json:"reruns,omitempty"`
	LastRerun *time.Time `json:"last_rerun_at,omitempty"`
	Note      string     `json:"note,omitempty"` // e.g. an added column its mapping ignores
}

// readStreams reads every source's stream from the target, with the mode of
// each of its tables (those of tables).
func readStreams(ctx context.Context, tgt *target.Target, tables []target.TableState) ([]streamStatus, error) {
	streams, err := tgt.Streams(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := tgt.StreamCounts(ctx)
	if err != nil {
		return nil, err
	}
	reruns, err := tgt.SyncReruns(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]streamStatus, 0, len(streams))
	for _, s := range streams {
		stops, err := tgt.StreamStops(ctx, s.Source)
		if err != nil {
			return nil, err
		}
		notes, err := tgt.StreamNotes(ctx, s.Source)
		if err != nil {
			return nil, err
		}
		st := newStreamStatus(s, stops)
		st.Tables = tableModes(s.Source, tables, stops, counts, reruns)
		for i, t := range st.Tables {
			st.Tables[i].Note = notes[t.Table]
		}
		out = append(out, st)
	}
	return out, nil
}

// tableModes says, for each table of source, how sync keeps it current.
func tableModes(source string, tables []target.TableState, stops map[string]string, counts []target.StreamCount, reruns []target.SyncRerun) []streamTable {
	out := []streamTable{}
	for _, t := range tables {
		if t.Source != source {
			continue
		}
		st := streamTable{Table: t.ID, Mode: modeStreaming}
		for _, c := range counts {
			if c.Source == source && c.TableID == t.ID {
				st.Changes, st.Skipped = c.Changes, c.Skipped
			}
		}
		for _, r := range reruns {
			if r.TableID == t.ID {
				st.Mode, st.Reason, st.Reruns, st.LastRerun = modeRerun, r.Reason, r.Reruns, r.LastRerunAt
			}
		}
		if why, ok := stops[t.ID]; ok {
			st.Mode, st.Reason = modeStopped, why
		}
		out = append(out, st)
	}
	return out
}

// newStreamStatus uses target's Lag and ApplyRate, as the dashboard does,
// so that both say the same.
func newStreamStatus(s target.Stream, stops map[string]string) streamStatus {
	st := streamStatus{Source: s.Source, State: s.State, Message: s.Message, Position: s.Position, AppliedAt: s.AppliedAt,
		BehindBytes: s.BehindBytes, RetainedBytes: s.RetainedBytes, Changes: s.Changes, Transactions: s.Transactions,
		Rejects: s.Rejects, LagSeconds: s.Lag(time.Now()).Seconds(), PerSecond: s.ApplyRate()}
	if len(stops) > 0 {
		st.Stopped = stops
	}
	return st
}

func printStreams(w io.Writer, streams []streamStatus) {
	if len(streams) == 0 {
		return
	}
	fmt.Fprintln(w, "\nlive sync:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "source\tstate\tposition applied\tapplied\tlag\tbehind\tchanges\tper second\trejected\tslot WAL\t")
	for _, s := range streams {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s ago\t%.1fs\t%s\t%d\t%.0f\t%d\t%s\t\n", s.Source, s.State, s.Position,
			time.Since(s.AppliedAt).Round(time.Second), s.LagSeconds, bytesOrDash(s.BehindBytes), s.Changes, s.PerSecond,
			s.Rejects, bytesOrDash(s.RetainedBytes))
	}
	tw.Flush()
	for _, s := range streams {
		if s.State == target.StreamFailed && s.Message != "" {
			fmt.Fprintf(w, "  %s failed: %s\n", s.Source, s.Message)
		}
		for id, reason := range s.Stopped {
			fmt.Fprintf(w, "  %s: stream stopped: %s\n", id, reason)
		}
		printReruns(w, s.Tables)
	}
}

// printReruns says which tables are kept current by reruns, and when they
// were last, and the notes on the others.
func printReruns(w io.Writer, tables []streamTable) {
	for _, t := range tables {
		if t.Note != "" {
			fmt.Fprintf(w, "  %s: %s\n", t.Table, t.Note)
		}
		if t.Mode != modeRerun {
			continue
		}
		last := "not rerun yet"
		if t.LastRerun != nil {
			last = fmt.Sprintf("last rerun %s ago (%d reruns)", time.Since(*t.LastRerun).Round(time.Second), t.Reruns)
		}
		fmt.Fprintf(w, "  %s: kept current by reruns, %s; %d stream changes left to them: %s\n", t.Table, last, t.Skipped, t.Reason)
	}
}

func bytesOrDash(n int64) string {
	if n < 0 {
		return "-"
	}
	return byteSize(n)
}

func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// statusJSON is status --json: one object per target database.
type statusJSON struct {
	Run     *target.RunInfo      `json:"run"`
	Tables  []target.TableStatus `json:"tables"`
	Streams []streamStatus       `json:"streams"`
}

func showStatusJSON(ctx context.Context, w io.Writer, url string) error {
	tgt, err := target.Open(ctx, url)
	if err != nil {
		return err
	}
	defer tgt.Close()
	var out statusJSON
	st, err := tgt.Status(ctx)
	switch {
	case errors.Is(err, target.ErrNoState):
	case err != nil:
		return fmt.Errorf("read the state of %s: %w", sluice.RedactURL(url), err)
	default:
		out.Run, out.Tables = st.Run, st.Tables
		if out.Streams, err = readStreams(ctx, tgt, st.Tables); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
