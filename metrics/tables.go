package metrics

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicedb/sluice/target"
)

var tableStates = []string{target.StatePending, target.StateLoading, target.StateLoaded,
	target.StateIndexed, target.StateDone, target.StateFailed}

func collectRun(db string, r *target.Run, ch chan<- prometheus.Metric) {
	if r == nil {
		return
	}
	ch <- gauge(runInfo, 1, db, strconv.FormatInt(r.ID, 10), r.Command, r.Status, r.ConfigHash)
	running := 0.0
	if r.Status == target.RunRunning {
		running = 1
	}
	ch <- gauge(runRunning, running, db)
	ch <- gauge(runStarted, unix(r.StartedAt), db)
	if r.FinishedAt != nil {
		ch <- gauge(runFinished, unix(*r.FinishedAt), db)
	}
}

func collectTables(db string, st *target.Status, ch chan<- prometheus.Metric) {
	for _, t := range st.Tables {
		l := []string{db, t.ID}
		ch <- counter(rowsRead, float64(t.RowsRead), l...)
		ch <- counter(rowsWritten, float64(t.RowsInserted+t.RowsUpdated), l...)
		ch <- counter(rowsInserted, float64(t.RowsInserted), l...)
		ch <- counter(rowsUpdated, float64(t.RowsUpdated), l...)
		ch <- counter(rowsUnchanged, float64(t.RowsUnchanged), l...)
		ch <- counter(rowsRejected, float64(t.RowsRejected), l...)
		ch <- counter(rowsDeleted, float64(t.RowsDeleted), l...)
		ch <- gauge(rowsFiltered, float64(t.RowsFiltered), l...)
		ch <- gauge(rowsSource, float64(SourceRows(t)), l...)
		ch <- counter(chunksDone, float64(t.ChunksDone), l...)
		ch <- gauge(chunksPlanned, float64(t.ChunksEstimated), l...)
		for _, s := range tableStates {
			v := 0.0
			if t.State == s {
				v = 1
			}
			ch <- gauge(tableState, v, db, t.ID, s)
		}
	}
}

// SourceRows is the table's source row count when reconciled, else the
// plan's estimate.
func SourceRows(t target.TableState) int64 {
	if t.RowsSource != nil {
		return *t.RowsSource
	}
	return t.RowsEstimated
}

// collectLedger reports what only the ledger and the catalog know: the
// last commit of each table, the throughput of the last minute and the
// tables' sizes.
func (c *StateCollector) collectLedger(ctx context.Context, db Database, st *target.Status, ch chan<- prometheus.Metric) error {
	last, err := db.Target.LastCommits(ctx)
	if err != nil {
		return err
	}
	for _, t := range st.Tables {
		if at, ok := last[t.ID]; ok {
			ch <- gauge(lastCommit, unix(at), db.Name, t.ID)
		}
	}
	points, err := db.Target.Throughput(ctx, time.Minute, time.Minute)
	if err != nil {
		return err
	}
	var read, written int64
	for _, p := range points {
		read, written = read+p.Read, written+p.Written
	}
	ch <- gauge(throughputRead, float64(read)/60, db.Name)
	ch <- gauge(throughputWritten, float64(written)/60, db.Name)
	sizes, err := db.Target.TableBytes(ctx)
	for name, n := range sizes {
		ch <- gauge(tableBytes, float64(n), db.Name, name)
	}
	return err
}

func collectVerify(ctx context.Context, db Database, ch chan<- prometheus.Metric) error {
	results, err := db.Target.LatestVerify(ctx)
	for _, r := range results {
		level := strconv.Itoa(r.Level)
		failed := 0.0
		if r.Status == "failed" {
			failed = 1
		}
		ch <- gauge(verifyFindings, float64(r.Findings), db.Name, r.TableID, level)
		ch <- gauge(verifyFailed, failed, db.Name, r.TableID, level)
	}
	return err
}

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
