package csvsrc

import (
	"fmt"
	"io"
	"sort"
)

// A chunk is read by a new Read that starts after the previous chunk's last
// record. Reading the file from its start for each chunk would make a load
// quadratic in the file's size, so the cursor that read a chunk is parked,
// still open, at the record it stopped before, and the next Read takes it
// over. A Read elsewhere (a resumed load, a verification drilling into a
// chunk) starts from the nearest parked cursor before it, or in a plain
// UTF-8 file from the nearest record boundary seen, and skips records from
// there: each record is still parsed once per pass over the file.

// maxParked bounds the open cursors a table keeps (two readers of one file
// at once: an expansion reads its parent's file beside the parent).
const maxParked = 4

// cursor is an open file positioned between records.
type cursor struct {
	s    *stream
	sc   *scanner
	next int64 // the record number of the next record read
	eof  bool
}

func (c *cursor) close() error { return c.s.Close() }

// at returns the mark of the cursor's position.
func (c *cursor) at() mark {
	return mark{record: c.next - 1, offset: c.sc.offset(), line: c.sc.line}
}

// acquire returns a cursor whose next record is after+1. The caller owns it
// and gives it back with release.
func (t *table) acquire(after int64) (*cursor, error) {
	if err := t.unchanged(); err != nil {
		return nil, err
	}
	c, err := t.nearest(after)
	if err != nil {
		return nil, err
	}
	if err := c.skipTo(after); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

// nearest takes the parked cursor at or closest before after, else opens
// the file at the closest boundary seen before it (seekable files), else at
// its first record.
func (t *table) nearest(after int64) (*cursor, error) {
	t.mu.Lock()
	best := -1
	for i, c := range t.parked {
		if c.next-1 <= after && (best < 0 || c.next > t.parked[best].next) {
			best = i
		}
	}
	from := t.first
	if t.layout.seekable() {
		i := sort.Search(len(t.marks), func(i int) bool { return t.marks[i].record > after })
		if i > 0 && t.marks[i-1].record > from.record {
			from = t.marks[i-1]
		}
	}
	if best >= 0 && t.parked[best].next-1 >= from.record {
		c := t.parked[best]
		t.parked = append(t.parked[:best], t.parked[best+1:]...)
		t.mu.Unlock()
		return c, nil
	}
	t.mu.Unlock()
	return t.openAt(from)
}

// openAt opens a cursor at a record boundary: a mark of a seekable file, or
// the first record (after the header).
func (t *table) openAt(m mark) (*cursor, error) {
	off := m.offset
	if !t.layout.seekable() {
		off = 0
	}
	s, err := open(t.path, t.layout, off)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", t.rel, err)
	}
	c := &cursor{s: s, sc: newScanner(s.text, t.d, len(t.cols) > 1, 1, 0), next: 1}
	c.sc.parsed = &t.parsed
	if t.layout.seekable() {
		c.sc.line, c.sc.base, c.next = m.line, m.offset, m.record+1
		return c, nil
	}
	if t.d.header {
		if err := c.skipHeader(); err != nil {
			c.close()
			return nil, fmt.Errorf("read %s: %w", t.rel, err)
		}
	}
	return c, nil
}

func (c *cursor) skipHeader() error {
	skip := c.sc.skipBlank
	c.sc.skipBlank, c.sc.discard = true, true
	_, err := c.sc.next()
	c.sc.skipBlank, c.sc.discard = skip, false
	if err == io.EOF {
		return fmt.Errorf("the header is gone: the file changed")
	}
	return err
}

// skipTo reads past records until the next one is after+1.
func (c *cursor) skipTo(after int64) error {
	c.sc.discard = true
	defer func() { c.sc.discard = false }()
	for c.next <= after {
		if _, err := c.sc.next(); err != nil {
			if err == io.EOF {
				return fmt.Errorf("record %d is past the end of the file (%d records)", after, c.next-1)
			}
			return err
		}
		c.next++
	}
	return nil
}

// release parks a cursor that can read on, remembering where it is, and
// closes one at the end or after an error.
func (t *table) release(c *cursor, reusable bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.layout.seekable() {
		t.addMark(c.at())
	}
	if !reusable || c.eof {
		c.close()
		return
	}
	t.parked = append(t.parked, c)
	if len(t.parked) > maxParked {
		t.parked[0].close()
		t.parked = t.parked[1:]
	}
}

// unchanged fails a read of a file that changed since it was first read:
// its record numbers, counts and checkpoints would no longer hold.
func (t *table) unchanged() error {
	st, err := stampOf(t.path)
	if err != nil {
		return fmt.Errorf("read %s: %w", t.rel, err)
	}
	if st != t.stamp {
		return fmt.Errorf("read %s: the file changed since it was first read (size or modification time); run again", t.rel)
	}
	return nil
}

func (t *table) setTotal(n int64) {
	t.mu.Lock()
	t.total = n
	t.mu.Unlock()
}
