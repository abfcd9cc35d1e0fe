package migrate

import (
	"context"
	"fmt"
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/target"
)

// A rerun of a merge table would read every source row only to find most of
// them unchanged. When the source can digest a key range on its server
// (sluice.Summarizer), each chunk a rerun of a merge table reads records the
// digest of its rows, and the next generation, under the same mapping, asks the
// source for the digest of each earlier chunk's range before reading it:
// an equal digest means the same rows with the same values, which the target
// holds already, so the chunk is recorded as unchanged without being read.
//
// A digest is recorded only when the source gave the same one just before
// and just after the chunk was read, so a row changing while it was read
// never leaves a digest that matches rows the target does not hold. A chunk
// that had rejects is always read again (its rejects belong to each
// generation), and so is every chunk after the first whose boundaries moved.

// skipper decides, chunk by chunk, whether a table's chunk is read or skipped.
type skipper struct {
	j    *job
	src  sluice.Summarizer // nil: nothing is digested or skipped
	prev []target.Chunk    // the earlier generation's chunks still ahead, in order
	// changed is the digest skip just took of an earlier chunk's range that
	// changed: the digest before the read, which need not be asked again.
	changed string
}

// newSkipper prepares the skipping of j's chunks from chunk number first on.
// Only a fresh generation of a merge or append table skips (a resumed one
// reads on), and not with delete_missing, which must see every key.
func (r *runner) newSkipper(ctx context.Context, j *job, first int) (*skipper, error) {
	t := j.table
	sk := &skipper{j: j}
	src, ok := r.srcs[t.Source].(sluice.Summarizer)
	if !ok || t.Key == nil || t.Merged != nil || (t.Strategy != config.StrategyMerge && t.Strategy != config.StrategyAppend) {
		return sk, nil
	}
	if j.merge == nil || j.merge.Mode == target.MergeInsert {
		// A first load copies directly and digests nothing: two digests a
		// chunk would cost it about half again; its first rerun records them.
		return sk, nil
	}
	sk.src = src
	if j.since == 0 || first > 1 || t.DeleteMissing {
		return sk, nil
	}
	prev, err := r.tgt.Chunks(ctx, t.ID, j.since)
	if err != nil {
		return nil, err
	}
	sk.prev = prev
	return sk, nil
}

// next returns the chunk after the key after: unread when its digest did not
// change, else the one read returns.
func (sk *skipper) next(ctx context.Context, after []any, no, limit int, read func() (*chunk, error)) (*chunk, error) {
	if c, err := sk.skip(ctx, after, no); c != nil || err != nil {
		return c, err
	}
	before, err := sk.changed, error(nil)
	if sk.changed == "" {
		before, err = sk.digest(ctx, after, nil, limit)
	}
	sk.changed = ""
	if err != nil {
		return nil, err
	}
	c, err := read()
	if err != nil {
		return nil, err
	}
	sk.passed(after, c.last)
	if before == "" || c.read == 0 {
		return c, nil
	}
	if again, err := sk.digest(ctx, after, c.last, 0); err != nil || again != before {
		return c, err
	}
	c.sum = before
	return c, nil
}

// skip returns the earlier generation's chunk that starts at after, unread,
// when the source's digest of its range is the one recorded; else nil.
func (sk *skipper) skip(ctx context.Context, after []any, no int) (*chunk, error) {
	if len(sk.prev) == 0 {
		return nil, nil
	}
	p := sk.prev[0]
	if !sameKey(p.AfterKey, after) || p.SourceSum == "" || p.RowsRejected > 0 {
		return nil, nil
	}
	last, err := target.DecodeKey(p.LastKey)
	if err != nil {
		return nil, fmt.Errorf("read the end of %s chunk %d: %w", sk.j.table.ID, p.ChunkNo, err)
	}
	now, err := sk.digest(ctx, after, last, 0)
	if err != nil || now != p.SourceSum {
		// Read it; if it keeps its boundaries, the rows read are those
		// this digest covers, and the digest after the read confirms it.
		sk.changed = now
		return nil, err
	}
	sk.prev = sk.prev[1:]
	return &chunk{no: no, after: after, last: last, read: p.RowsRead, skipped: p.RowsLoaded, sum: now}, nil
}

// passed moves past the earlier chunk a read chunk stood for: while chunks
// keep their boundaries the next earlier chunk lines up with the next read;
// once one moved, none does.
func (sk *skipper) passed(after, last []any) {
	if len(sk.prev) == 0 {
		return
	}
	p := sk.prev[0]
	if sameKey(p.AfterKey, after) && sameKey(p.LastKey, last) {
		sk.prev = sk.prev[1:]
		return
	}
	sk.prev = nil
}

// digest asks the source for the digest of the rows after after: up to upto
// when it is set, else the limit of rows the read will ask for (a read cut
// by chunk_bytes takes fewer, and its digest after the read then differs,
// so the chunk records none). A source that cannot digest this table (a key
// it pages by row id, say) gives "", and the chunk is read.
func (sk *skipper) digest(ctx context.Context, after, upto []any, limit int) (string, error) {
	if sk.src == nil {
		return "", nil
	}
	t := sk.j.table
	req := sluice.SummaryRequest{ReadRequest: sluice.ReadRequest{
		Table: t.SourceTable, Columns: digestColumns(t.ReadColumns, t.Key), Key: t.Key, After: after, Where: t.Where,
	}, Upto: upto}
	if upto == nil {
		req.Limit = limit
	}
	s, err := sk.src.Summarize(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		sk.src = nil // this table cannot be digested: read every chunk
		return "", nil
	}
	return fmt.Sprintf("%d:%s", s.Rows, s.Hash), nil
}

// digestColumns are the columns read and the key, each once: a digest
// covers every value the chunk's target rows are made from.
func digestColumns(read, key []string) []string {
	cols := slices.Clone(read)
	for _, k := range key {
		if !slices.Contains(cols, k) {
			cols = append(cols, k)
		}
	}
	return cols
}

// sameKey compares a ledger key with a key read.
func sameKey(encoded string, key []any) bool {
	k, err := target.EncodeKey(key)
	return err == nil && k == encoded
}
