package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicedb/sluice/target"
)

// Live sync, from sluice.streams: what the target committed of each
// source's change stream, and what the sync last read of the source's log.
var (
	syncLag      = desc("sluice_sync_lag_seconds", "How late the last applied source transaction was applied (its commit on the source to its commit on the target); 0 when the source is not behind.", "database", "source")
	syncBehind   = desc("sluice_sync_behind_bytes", "Bytes of the source's log not yet applied, as the sync last read them (every 10 s while it runs).", "database", "source")
	syncApplied  = desc("sluice_sync_applied_total", "Row changes applied to the target by the source's stream (its rate is the apply rate).", "database", "source", "table")
	syncRejected = desc("sluice_sync_rejected_total", "Row changes of the source's stream rejected into sluice.rejects.", "database", "source", "table")
	syncRetained = desc("sluice_sync_slot_retained_bytes", "WAL a PostgreSQL source keeps for the replication slot, as the sync last read it.", "database", "source")
	syncState    = desc("sluice_sync_state", "1 for the stream's current state (copying, streaming, caught up, stopped, failed), 0 for the others.", "database", "source", "state")
	syncApplyAt  = desc("sluice_sync_last_apply_timestamp_seconds", "When the stream's last batch committed on the target, in Unix seconds.", "database", "source")
	syncSkipped  = desc("sluice_sync_skipped_total", "Row changes of the source's stream left to the reruns of a table kept current by reruns (counted, not applied).", "database", "source", "table")
	syncRerun    = desc("sluice_sync_rerun", "1 for a table sync keeps current by reruns of its load instead of its stream; absent for the tables it streams.", "database", "source", "table")
	syncRerunAt  = desc("sluice_sync_last_rerun_timestamp_seconds", "When the last rerun of a table kept current by reruns finished, in Unix seconds.", "database", "source", "table")
)

var syncDescs = []*prometheus.Desc{syncLag, syncBehind, syncApplied, syncRejected, syncRetained, syncState, syncApplyAt, syncSkipped, syncRerun, syncRerunAt}

var streamStates = []string{target.StreamCopying, target.StreamStreaming, target.StreamCaughtUp, target.StreamStopped, target.StreamFailed}

// collectStreams reports every source's stream of one target database.
func collectStreams(ctx context.Context, db Database, ch chan<- prometheus.Metric) error {
	streams, err := db.Target.Streams(ctx)
	if err != nil {
		return err
	}
	for _, s := range streams {
		ch <- gauge(syncLag, streamLag(s), db.Name, s.Source)
		ch <- gauge(syncApplyAt, float64(s.AppliedAt.UnixNano())/1e9, db.Name, s.Source)
		if s.BehindBytes >= 0 && !s.CheckedAt.IsZero() {
			ch <- gauge(syncBehind, float64(s.BehindBytes), db.Name, s.Source)
		}
		if s.RetainedBytes >= 0 && !s.CheckedAt.IsZero() {
			ch <- gauge(syncRetained, float64(s.RetainedBytes), db.Name, s.Source)
		}
		for _, st := range streamStates {
			ch <- gauge(syncState, boolValue(s.State == st), db.Name, s.Source, st)
		}
	}
	counts, err := db.Target.StreamCounts(ctx)
	if err != nil {
		return err
	}
	for _, c := range counts {
		ch <- counter(syncApplied, float64(c.Changes), db.Name, c.Source, c.TableID)
		ch <- counter(syncRejected, float64(c.Rejects), db.Name, c.Source, c.TableID)
		ch <- counter(syncSkipped, float64(c.Skipped), db.Name, c.Source, c.TableID)
	}
	return collectReruns(ctx, db, ch)
}

// collectReruns reports the tables kept current by reruns.
func collectReruns(ctx context.Context, db Database, ch chan<- prometheus.Metric) error {
	reruns, err := db.Target.SyncReruns(ctx)
	if err != nil {
		return err
	}
	for _, r := range reruns {
		ch <- gauge(syncRerun, 1, db.Name, r.Source, r.TableID)
		if r.LastRerunAt != nil {
			ch <- gauge(syncRerunAt, float64(r.LastRerunAt.UnixNano())/1e9, db.Name, r.Source, r.TableID)
		}
	}
	return nil
}

// streamLag is target.Stream.Lag, which status and the dashboard show too.
func streamLag(s target.Stream) float64 {
	return s.Lag(time.Now()).Seconds()
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
