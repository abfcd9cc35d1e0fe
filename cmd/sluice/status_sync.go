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
}

// readStreams reads every source's stream from the target.
func readStreams(ctx context.Context, tgt *target.Target) ([]streamStatus, error) {
	streams, err := tgt.Streams(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]streamStatus, 0, len(streams))
	for _, s := range streams {
		stops, err := tgt.StreamStops(ctx, s.Source)
		if err != nil {
			return nil, err
		}
		out = append(out, newStreamStatus(s, stops))
	}
	return out, nil
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
		if out.Streams, err = readStreams(ctx, tgt); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
