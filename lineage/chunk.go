package lineage

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/target"
)

// locateChunk finds the chunk of a table generation whose keyset range
// holds the key: after_key < key <= last_key, compared by CompareKey. When
// no range holds it, or the key cannot be compared with the bounds, the
// chunk is unknown (nil) and the note says why: a guess would be worse than
// no answer in an audit.
func locateChunk(ctx context.Context, tgt *target.Target, id string, generation int, parts []string) (*Chunk, string, error) {
	var found *Chunk
	var cmpErr error
	err := eachChunk(ctx, tgt, id, generation, func(c ledgerRow) bool {
		ok, err := holds(c, parts)
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		if ok {
			found = &c.Chunk
		}
		return !ok
	})
	if err != nil || found != nil {
		return found, "", err
	}
	note := fmt.Sprintf("unknown chunk: no ledger range of %s generation %d holds the key", id, generation)
	if cmpErr != nil {
		note += fmt.Sprintf(" (%v)", cmpErr)
	}
	return nil, note, nil
}

// holds reports whether the chunk's range after < key <= last holds the
// key. A missing bound is open: the first chunk has no lower bound, and a
// table read in one chunk without a key has neither.
func holds(c ledgerRow, parts []string) (bool, error) {
	if c.after != nil {
		n, err := CompareKey(parts, c.after)
		if err != nil || n <= 0 {
			return false, err
		}
	}
	if c.last != nil {
		n, err := CompareKey(parts, c.last)
		if err != nil || n > 0 {
			return false, err
		}
	}
	return true, nil
}

// chunkNo reads chunk no of a table generation from the ledger; nil when
// it is not there.
func chunkNo(ctx context.Context, tgt *target.Target, id string, generation, no int) (*Chunk, error) {
	var found *Chunk
	err := eachChunk(ctx, tgt, id, generation, func(c ledgerRow) bool {
		if c.No == no {
			found = &c.Chunk
		}
		return found == nil
	})
	return found, err
}
