package verify

import (
	"errors"
	"sync"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// digestBuffer holds the chunk digests of one try at a table, so that a try
// a lost connection cut short is not heard.
type digestBuffer struct {
	mu  sync.Mutex
	all []ChunkDigest
}

func (b *digestBuffer) add(d ChunkDigest) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.all = append(b.all, d)
}

func (b *digestBuffer) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.all = nil
}

func (b *digestBuffer) replay(fn func(ChunkDigest)) {
	for _, d := range b.all {
		fn(d)
	}
}

// nameUnreachable names the database a table's verification could not
// reach: the source when the source marked the error transient (sources
// do), else the target.
func nameUnreachable(err error, t *plan.Table, src sluice.Source, tgt *target.Target) error {
	var un *sluice.UnreachableError
	if !errors.As(err, &un) || un.Where != "" {
		return err
	}
	if sluice.IsTransient(un.Err) {
		un.Where = sluice.WhereOf(t.Source, src)
	} else {
		un.Where = tgt.Where()
	}
	return err
}
