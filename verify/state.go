package verify

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/target"
)

// loadState is what the state schema says about a table's load: which
// generation is current, and so which rejects count.
type loadState struct {
	hasSchema bool // the target has sluice.tables and sluice.rejects
	// hasLegacyKeys: the target has sluice.legacy_keys (state schema 5),
	// which maps the rows of tables merged on a natural key.
	hasLegacyKeys bool
	found         bool // sluice.tables has a row for the table
	generation    int
	state         string
}

func readLoadState(ctx context.Context, tgt *target.Target, id string) (loadState, error) {
	var s loadState
	has, err := tgt.StateTables(ctx)
	s.hasSchema, s.hasLegacyKeys = has.Tables && has.Rejects, has.LegacyKeys
	if err != nil || !s.hasSchema {
		return s, wrapState(id, err)
	}
	l, err := tgt.CurrentLoad(ctx, id)
	if l != nil {
		s.found, s.generation, s.state = true, l.Generation, l.State
	}
	return s, wrapState(id, err)
}

func wrapState(id string, err error) error {
	if err != nil {
		return fmt.Errorf("read the load state of %s: %w", id, err)
	}
	return nil
}

// rejectCount counts the rejects stored for the table's current generation.
func (s loadState) rejectCount(ctx context.Context, tgt *target.Target, id string) (int64, error) {
	if !s.found {
		return 0, nil
	}
	return tgt.RejectCount(ctx, id, s.generation)
}

// recorded returns which of the row labels (legacy key texts) have a
// reject stored in the current generation.
func (s loadState) recorded(ctx context.Context, tgt *target.Target, id string, labels []string) (map[string]bool, error) {
	found := map[string]bool{}
	if !s.found || len(labels) == 0 {
		return found, nil
	}
	keys, err := tgt.RejectedKeys(ctx, id, s.generation, labels)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		found[k] = true
	}
	return found, nil
}
