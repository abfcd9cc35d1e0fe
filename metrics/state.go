package metrics

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicedb/sluice/target"
)

// scrapeTimeout bounds the reads of one scrape of one target database.
const scrapeTimeout = 10 * time.Second

// Database is one target database to report on, by the name the config
// gives it ("" for the only one).
type Database struct {
	Name   string
	Target *target.Target
}

// StateCollector reports the state schema of target databases: the run,
// each table's rows, chunks, state and size, throughput over the last
// minute, verification findings and the audit trail.
type StateCollector struct {
	dbs   []Database
	audit *auditCache
}

// NewStateCollector reports on dbs. The audit chain is recomputed at most
// once every auditEvery (it reads the whole trail).
func NewStateCollector(dbs []Database, auditEvery time.Duration) *StateCollector {
	return &StateCollector{dbs: dbs, audit: newAuditCache(auditEvery)}
}

// Describe implements prometheus.Collector.
func (c *StateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		ch <- d
	}
	for _, d := range syncDescs {
		ch <- d
	}
}

// Collect implements prometheus.Collector: each database is read on its
// own, and one that cannot be read reports sluice_state_up 0.
func (c *StateCollector) Collect(ch chan<- prometheus.Metric) {
	var wg sync.WaitGroup
	for _, db := range c.dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
			defer cancel()
			up := 1.0
			if err := c.collectDB(ctx, db, ch); err != nil {
				up = 0
			}
			ch <- gauge(stateUp, up, db.Name)
		}()
	}
	wg.Wait()
}

func (c *StateCollector) collectDB(ctx context.Context, db Database, ch chan<- prometheus.Metric) error {
	st, err := db.Target.Status(ctx)
	if errors.Is(err, target.ErrNoState) {
		return nil // nothing ran yet: up, with no series
	}
	if err != nil {
		return err
	}
	collectRun(db.Name, st.Run, ch)
	collectTables(db.Name, st, ch)
	return errors.Join(
		c.collectLedger(ctx, db, st, ch),
		collectVerify(ctx, db, ch),
		collectStreams(ctx, db, ch),
		c.audit.collect(ctx, db, ch),
	)
}

func gauge(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

func counter(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
}
