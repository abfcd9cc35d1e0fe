package csvsrc

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// keyEntry is one record's key hash and number.
type keyEntry struct {
	hash hash128
	no   int64
}

func compareEntries(a, b keyEntry) int {
	if c := bytes.Compare(a.hash[:], b.hash[:]); c != 0 {
		return c
	}
	switch {
	case a.no < b.no:
		return -1
	case a.no > b.no:
		return 1
	}
	return 0
}

// keyRuns sorts key entries: in memory up to runEntries, beyond that in
// sorted run files of a temporary directory, merged when read.
type keyRuns struct {
	mem   []keyEntry
	dir   string
	files []string
}

func (r *keyRuns) add(h hash128, no int64) error {
	r.mem = append(r.mem, keyEntry{h, no})
	if len(r.mem) >= runEntries {
		return r.spill()
	}
	return nil
}

// spill writes the entries in memory as one sorted run.
func (r *keyRuns) spill() error {
	if r.dir == "" {
		dir, err := os.MkdirTemp("", "sluice-csv-keys-*")
		if err != nil {
			return fmt.Errorf("make a temporary directory for the key check: %w", err)
		}
		r.dir = dir
	}
	slices.SortFunc(r.mem, compareEntries)
	name := filepath.Join(r.dir, fmt.Sprintf("run-%d", len(r.files)))
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	var buf [24]byte
	for _, e := range r.mem {
		copy(buf[:16], e.hash[:])
		binary.BigEndian.PutUint64(buf[16:], uint64(e.no))
		w.Write(buf[:])
	}
	err = errors.Join(w.Flush(), f.Close())
	r.files = append(r.files, name)
	r.mem = r.mem[:0]
	return err
}

func (r *keyRuns) remove() {
	if r.dir != "" {
		os.RemoveAll(r.dir)
	}
}

// duplicates walks the entries in hash order and returns the record numbers
// of the keys held more than once, the smallest limit of them in order,
// and the first record of up to dupExamples such keys; total counts them all.
func (r *keyRuns) duplicates(limit int, total *int64) (dups, first []int64, err error) {
	var group []int64
	var prev hash128
	flush := func() {
		if len(group) > 1 {
			*total += int64(len(group))
			dups = smallest(append(dups, group...), limit)
			if len(first) < dupExamples {
				first = append(first, slices.Min(group))
			}
		}
		group = group[:0]
	}
	err = r.each(func(e keyEntry) {
		if len(group) > 0 && e.hash != prev {
			flush()
		}
		prev = e.hash
		group = append(group, e.no)
	})
	flush()
	slices.Sort(dups)
	if len(dups) > limit {
		dups = dups[:limit]
	}
	return dups, first, err
}

// smallest keeps the limit smallest numbers once there are twice as many.
func smallest(nos []int64, limit int) []int64 {
	if len(nos) < 2*limit {
		return nos
	}
	slices.Sort(nos)
	return nos[:limit]
}

// each calls fn with every entry in order.
func (r *keyRuns) each(fn func(keyEntry)) error {
	if len(r.files) == 0 {
		slices.SortFunc(r.mem, compareEntries)
		for _, e := range r.mem {
			fn(e)
		}
		return nil
	}
	if len(r.mem) > 0 {
		if err := r.spill(); err != nil {
			return err
		}
	}
	return r.merge(fn)
}

// merge reads the runs together, smallest entry first.
func (r *keyRuns) merge(fn func(keyEntry)) error {
	h := &runHeap{}
	for _, name := range r.files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		rd := &runReader{r: bufio.NewReaderSize(f, 64<<10)}
		if ok, err := rd.next(); err != nil {
			return err
		} else if ok {
			heap.Push(h, rd)
		}
	}
	for h.Len() > 0 {
		rd := (*h)[0]
		fn(rd.cur)
		ok, err := rd.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

type runReader struct {
	r   *bufio.Reader
	cur keyEntry
}

func (rd *runReader) next() (bool, error) {
	var buf [24]byte
	if _, err := io.ReadFull(rd.r, buf[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, fmt.Errorf("read a run of the key check: %w", err)
	}
	copy(rd.cur.hash[:], buf[:16])
	rd.cur.no = int64(binary.BigEndian.Uint64(buf[16:]))
	return true, nil
}

type runHeap []*runReader

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return compareEntries(h[i].cur, h[j].cur) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
