package dashboard

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/target"
)

// auditEvery is how long a recomputation of the chain is shown before the
// next request recomputes it.
const auditEvery = 30 * time.Second

type auditCache struct {
	mu   sync.Mutex
	last map[string]auditCheck
}

type auditCheck struct {
	at     time.Time
	report *audit.Report
}

func newAuditCache() *auditCache { return &auditCache{last: map[string]auditCheck{}} }

// auditView is the trail's state: its head, whether the chain holds and
// where it first breaks, and the signed runs.
type auditView struct {
	Head      target.AuditHead `json:"head"`
	Checked   bool             `json:"checked"` // the chain was recomputed
	CheckedAt time.Time        `json:"checked_at"`
	CheckedTo int64            `json:"checked_to"`
	Intact    bool             `json:"intact"`
	FirstBad  *audit.Problem   `json:"first_bad"`
	Export    string           `json:"export"`
}

func (s *server) audit(ctx context.Context, _ http.ResponseWriter, _ *http.Request, db Database) (any, error) {
	head, err := db.Target.ReadAuditHead(ctx)
	if err != nil {
		return nil, err
	}
	v := auditView{Head: head, Export: "/api/audit/export?db=" + db.Name}
	if head.Seq == 0 {
		return v, nil
	}
	c, err := s.audits.check(ctx, db)
	if err != nil {
		return nil, err
	}
	v.Checked, v.CheckedAt, v.CheckedTo = true, c.at, c.report.LastSeq
	v.Intact, v.FirstBad = c.report.Chain == nil, c.report.Chain
	return v, nil
}

func (a *auditCache) check(ctx context.Context, db Database) (auditCheck, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.last[db.Name]; ok && time.Since(c.at) < auditEvery {
		return c, nil
	}
	r, err := db.Target.VerifyAudit(ctx, audit.Options{})
	if err != nil {
		return auditCheck{}, err
	}
	c := auditCheck{at: time.Now().UTC(), report: r}
	a.last[db.Name] = c
	return c, nil
}

// auditExport sends the trail as JSON lines, as `sluice audit export`
// writes it.
func (s *server) auditExport(ctx context.Context, w http.ResponseWriter, _ *http.Request, db Database) (any, error) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="sluice-audit.jsonl"`)
	return nil, db.Target.ExportAudit(ctx, w)
}
