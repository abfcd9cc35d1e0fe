package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/target"
)

// auditCache remembers the last recomputation of each database's chain:
// recomputing reads every entry, too much for every scrape.
type auditCache struct {
	every time.Duration
	mu    sync.Mutex
	last  map[string]auditCheck
}

type auditCheck struct {
	at     time.Time
	report *audit.Report
}

func newAuditCache(every time.Duration) *auditCache {
	return &auditCache{every: every, last: map[string]auditCheck{}}
}

func (a *auditCache) collect(ctx context.Context, db Database, ch chan<- prometheus.Metric) error {
	head, err := db.Target.ReadAuditHead(ctx)
	if err != nil || head.Seq == 0 {
		return err
	}
	ch <- gauge(auditHead, float64(head.Seq), db.Name)
	ch <- gauge(auditSigned, float64(head.SignedRuns), db.Name)
	r, err := a.report(ctx, db)
	if err != nil {
		return err
	}
	intact := 1.0
	if r.Chain != nil {
		intact = 0
		ch <- gauge(auditBadSeq, float64(r.Chain.Seq), db.Name)
	}
	ch <- gauge(auditIntact, intact, db.Name)
	ch <- gauge(auditChecked, float64(r.LastSeq), db.Name)
	return nil
}

// report is the chain's last recomputation, recomputed when older than
// every. Signatures are not checked: that needs the public key, which
// `sluice audit verify --public-key` takes.
func (a *auditCache) report(ctx context.Context, db Database) (*audit.Report, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.last[db.Name]; ok && time.Since(c.at) < a.every {
		return c.report, nil
	}
	r, err := db.Target.VerifyAudit(ctx, audit.Options{})
	if err == target.ErrNoAudit {
		return &audit.Report{}, nil
	}
	if err != nil {
		return nil, err
	}
	a.last[db.Name] = auditCheck{at: time.Now(), report: r}
	return r, nil
}
