package verify

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"
)

// multiset is an order-independent digest of rows: the count, and the sum
// of the rows' SHA-256 digests in four 64-bit lanes. A table without a key
// has no order both sides agree on, so its rows are compared as a multiset.
type multiset struct {
	n     int64
	lanes [4]uint64
}

func (m *multiset) add(sum [32]byte) {
	m.n++
	for i := range m.lanes {
		m.lanes[i] += binary.BigEndian.Uint64(sum[8*i:])
	}
}

// keyless compares a table without a key: both sides are read at once,
// each into a multiset digest; only when those differ are the rows matched,
// by their digests, in a second pass.
func (s *scan) keyless(ctx context.Context) error {
	var src, tgt multiset
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return s.eachSourceRow(gctx, true, func(row []byte, _ string) { src.add(sha256.Sum256(row)) })
	})
	g.Go(func() error {
		return s.eachTargetRow(gctx, func(row []byte) { tgt.add(sha256.Sum256(row)) })
	})
	if err := g.Wait(); err != nil {
		return err
	}
	s.compared.Store(src.n)
	s.fetched.Store(tgt.n)
	if src == tgt {
		return nil
	}
	return s.matchRows(ctx)
}

// sourceRows are the source rows with one digest: how many, their labels,
// and one of them encoded, for the finding.
type sourceRows struct {
	n      int
	labels []string
	row    []byte
}

// matchRows pairs equal rows by digest and reports the rest. It holds one
// entry per distinct source row: a table without a key is read whole by the
// load too.
func (s *scan) matchRows(ctx context.Context) error {
	bySum := map[[32]byte]*sourceRows{}
	err := s.eachSourceRow(ctx, false, func(row []byte, label string) {
		sum := sha256.Sum256(row)
		e := bySum[sum]
		if e == nil {
			e = &sourceRows{row: append([]byte(nil), row...)}
			bySum[sum] = e
		}
		e.n++
		e.labels = append(e.labels, label)
	})
	if err != nil {
		return err
	}
	cd := newCodec(s.oids)
	err = s.eachTargetRow(ctx, func(row []byte) {
		if e := bySum[sha256.Sum256(row)]; e != nil && e.n > 0 {
			e.n--
			e.labels = e.labels[1:]
			return
		}
		s.v.add(Finding{Level: LevelContent, Check: "extra row", TargetValue: s.rowText(cd, row),
			Detail: "the target row matches no source row"})
	})
	if err != nil {
		return err
	}
	return s.missingRows(ctx, cd, bySum)
}

// missingRows reports the source rows left unmatched, except those
// sluice.rejects records.
func (s *scan) missingRows(ctx context.Context, cd *codec, bySum map[[32]byte]*sourceRows) error {
	v := s.v
	for _, e := range bySum {
		if e.n == 0 {
			continue
		}
		found, err := v.load.recorded(ctx, v.state, v.t.ID, e.labels)
		if err != nil {
			return err
		}
		for _, label := range e.labels {
			if !found[label] {
				v.add(Finding{Level: LevelContent, Check: "missing row", LegacyKey: label, SourceValue: s.rowText(cd, e.row),
					Detail: "the source row is neither in the target nor in sluice.rejects"})
			}
		}
	}
	return nil
}

// eachSourceRow reads, transforms and encodes every source row, calling fn
// with the row and its label. On the first pass the rows the mapping
// rejects are counted and checked against sluice.rejects.
func (s *scan) eachSourceRow(ctx context.Context, first bool, fn func(row []byte, label string)) error {
	w, err := s.newWorker()
	if err != nil {
		return err
	}
	return s.eachChunk(ctx, func(c *srcChunk) error {
		w.reset()
		if err := w.transform(ctx, c); err != nil {
			return err
		}
		for i := range w.src.len() {
			fn(w.src.row(i), c.label(w.src.origin[i]))
		}
		if !first {
			return nil
		}
		s.chunks.Add(1)
		s.rejected.Add(int64(len(w.rejects)))
		return w.checkRejects(ctx)
	})
}

// eachTargetRow reads every target row, encoded, in pages of one chunk.
func (s *scan) eachTargetRow(ctx context.Context, fn func(row []byte)) error {
	cd := newCodec(s.oids)
	var rs rowSet
	err := s.fetchEach(ctx, cd, &rs, "SELECT "+s.list+" FROM "+s.v.cat.name+s.v.where(""), func() {
		for i := range rs.len() {
			fn(rs.row(i))
		}
		rs.reset()
	})
	if err != nil {
		return fmt.Errorf("read target rows of %s: %w", s.v.cat.name, err)
	}
	return nil
}

// rowText is an encoded row's values, for a finding on a row without a key.
func (s *scan) rowText(cd *codec, row []byte) string {
	fs := fields(row, nil)
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = s.view.Columns[i].Name + "=" + cd.text(i, f)
	}
	return strings.Join(parts, ", ")
}
