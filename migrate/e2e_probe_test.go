package migrate_test

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicedb/sluice/migrate"
)

// probe is an Observer that counts what the run tells it and lets a test
// act at a chosen moment. Calls come from several goroutines.
type probe struct {
	migrate.Quiet
	chunks  atomic.Int64
	retries atomic.Int64
	// onChunk runs after each committed chunk with the count so far.
	onChunk func(id string, n int64)
	// onPhase runs when the run enters a phase other than a table load.
	onPhase func(msg string)

	mu      sync.Mutex
	resumed map[string]int64 // table ID -> rows done by earlier runs, when > 0
	errs    []error          // the retried errors
}

func (p *probe) TableStarted(id, _ string, _, done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if done > 0 {
		if p.resumed == nil {
			p.resumed = map[string]int64{}
		}
		p.resumed[id] = done
	}
}

func (p *probe) ChunkLoaded(id string, _, _, _ int) {
	n := p.chunks.Add(1)
	if p.onChunk != nil {
		p.onChunk(id, n)
	}
}

func (p *probe) Phase(msg string) {
	if p.onPhase != nil {
		p.onPhase(msg)
	}
}

func (p *probe) Retrying(_ string, _ int, _ time.Duration, err error) {
	p.retries.Add(1)
	p.mu.Lock()
	p.errs = append(p.errs, err)
	p.mu.Unlock()
}

func (p *probe) resumedTables() map[string]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resumed
}
