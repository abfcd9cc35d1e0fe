package csvsrc

import (
	"bytes"
	"fmt"
	"io"
	"sync/atomic"
)

// scanner splits a UTF-8 text stream into records (RFC 4180, with the
// dialect's delimiter, quote and escape). It never holds more than one
// record, and of that at most max bytes: a longer record is still read to
// its end, but only as a malformed one.
//
// A record ends at a line break outside quotes ("\n" or "\r\n"; a lone "\r"
// is data). A record that breaks the grammar is read to the end of the line
// where the break is found and comes back with bad set: a quote inside an
// unquoted field, text after a closing quote, or, at the end of the file, a
// quote never closed (which then holds the rest of the file). Tables of more
// than one column skip empty lines; in a one-column table an empty line is a
// record with one empty field.
type scanner struct {
	r         io.Reader
	buf       []byte
	pos, end  int
	base      int64 // stream offset of buf[0]
	eof       bool
	err       error
	line      int // physical line of buf[pos], from 1
	d         *dialect
	skipBlank bool
	max       int

	// The record being read.
	rec     record
	discard bool // only find the record's end (counting, skipping)
	over    bool // raw and data stopped growing at max
	broke   bool // a line break ended the record
	prevNL  bool // the last byte taken was a line break
	// parsed, when set, counts the records read: how the tests see that
	// paging through a file parses each record once.
	parsed *atomic.Int64
}

// record is one record as read. Its slices are valid until the next read.
type record struct {
	fields [][]byte // the fields' values, unquoted and unescaped
	quoted []bool   // whether each field was quoted (a quoted field is never NULL)
	raw    []byte   // the record's text as written, without its line break
	line   int      // the line it starts on
	last   int      // the line it ends on
	bad    string   // why it is malformed; "" when it is not
	data   []byte
	ends   []int
}

func newScanner(r io.Reader, d *dialect, skipBlank bool, line int, base int64) *scanner {
	return &scanner{r: r, buf: make([]byte, 64<<10), line: line, base: base, d: d, skipBlank: skipBlank, max: d.maxRecord}
}

// offset is the stream offset of the next byte to read: after a record, the
// start of the next one.
func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// fill reads more input, keeping the unread bytes; false at the end or on
// an error (in s.err).
func (s *scanner) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.err = err
		}
		if n > 0 || s.eof || s.err != nil {
			return n > 0
		}
	}
}

// peek returns the byte at pos+k, reading more input when needed.
func (s *scanner) peek(k int) (byte, bool) {
	for s.pos+k >= s.end {
		if !s.fill() {
			return 0, false
		}
	}
	return s.buf[s.pos+k], true
}

// next reads the next record; io.EOF after the last.
func (s *scanner) next() (*record, error) {
	if err := s.skipBlankLines(); err != nil {
		return nil, err
	}
	r := &s.rec
	r.fields, r.quoted, r.raw, r.data, r.ends, r.bad = r.fields[:0], r.quoted[:0], r.raw[:0], r.data[:0], r.ends[:0], ""
	r.line, s.over, s.broke = s.line, false, false
	for more := true; more; {
		var err error
		if more, err = s.field(); err != nil {
			return nil, err
		}
	}
	if s.parsed != nil {
		s.parsed.Add(1)
	}
	r.last = s.line
	if s.broke {
		r.last--
	}
	if s.over && r.bad == "" {
		r.bad = fmt.Sprintf("the record is longer than %d bytes (max_record_bytes)", s.max)
	}
	start := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, r.data[start:end])
		start = end
	}
	return r, nil
}

// skipBlankLines passes empty lines where they are not records, and
// reports the end of the input.
func (s *scanner) skipBlankLines() error {
	for {
		c, ok := s.peek(0)
		if !ok {
			if s.err != nil {
				return s.err
			}
			return io.EOF
		}
		if !s.skipBlank {
			return nil
		}
		switch {
		case c == '\n':
			s.pos++
			s.line++
		case c == '\r':
			if n, ok := s.peek(1); ok && n == '\n' {
				s.pos += 2
				s.line++
				continue
			}
			return nil
		default:
			return nil
		}
	}
}

// field reads one field and what ends it; more is false at the end of the
// record.
func (s *scanner) field() (more bool, err error) {
	c, ok := s.peek(0)
	if ok && s.d.quoting && c == s.d.quote {
		more = s.quotedField()
	} else {
		more = s.unquotedField()
	}
	if s.err != nil {
		return false, fmt.Errorf("read line %d: %w", s.line, s.err)
	}
	return more, nil
}

// take adds input bytes to the record: to its raw text, and to the field's
// value when value is set.
func (s *scanner) take(b []byte, value bool) {
	if len(b) > 0 {
		s.prevNL = b[len(b)-1] == '\n'
	}
	if s.discard || s.over {
		return
	}
	if len(s.rec.raw)+len(b) > s.max {
		s.over = true
		return
	}
	s.rec.raw = append(s.rec.raw, b...)
	if value {
		s.rec.data = append(s.rec.data, b...)
	}
}

// takeValue adds a byte to the field's value only (an escaped character, a
// doubled quote), its input having been taken as raw.
func (s *scanner) takeValue(c byte) {
	if !s.discard && !s.over {
		s.rec.data = append(s.rec.data, c)
	}
}

func (s *scanner) endField(quoted bool) {
	s.rec.ends = append(s.rec.ends, len(s.rec.data))
	s.rec.quoted = append(s.rec.quoted, quoted)
}

func (s *scanner) unquotedField() bool {
	for {
		if s.pos >= s.end && !s.fill() {
			s.endField(false)
			return false
		}
		chunk := s.buf[s.pos:s.end]
		i := s.d.indexUnquoted(chunk)
		if i < 0 {
			s.take(chunk, true)
			s.pos = s.end
			continue
		}
		s.take(chunk[:i], true)
		s.pos += i
		if end, more := s.unquotedSpecial(s.buf[s.pos]); end {
			return more
		}
	}
}

// unquotedSpecial handles a delimiter, line break, quote or escape in an
// unquoted field; end reports the field's end and more the record's.
func (s *scanner) unquotedSpecial(c byte) (end, more bool) {
	d := s.d
	switch {
	case c == d.delim:
		s.take(s.buf[s.pos:s.pos+1], false)
		s.pos++
		s.endField(false)
		return true, true
	case c == '\n':
		s.pos++
		s.newline()
		s.endField(false)
		return true, false
	case c == '\r':
		if n, ok := s.peek(1); ok && n == '\n' {
			s.pos += 2
			s.newline()
			s.endField(false)
			return true, false
		}
		s.take(s.buf[s.pos:s.pos+1], true)
		s.pos++
		return false, false
	case d.escaping && c == d.escape:
		return s.escaped(false)
	}
	s.malformed("a quote inside an unquoted field (quote it, and double the quotes inside)")
	return true, false
}

// escaped takes the character after an escape as it is.
func (s *scanner) escaped(quoted bool) (end, more bool) {
	n, ok := s.peek(1)
	if !ok {
		s.take(s.buf[s.pos:s.pos+1], false)
		s.pos++
		s.setBad("an escape character at the end of the file")
		s.endField(quoted)
		return true, false
	}
	s.take(s.buf[s.pos:s.pos+2], false)
	s.takeValue(n)
	s.pos += 2
	if n == '\n' {
		s.line++
	}
	return false, false
}

func (s *scanner) quotedField() bool {
	open := s.line
	s.take(s.buf[s.pos:s.pos+1], false)
	s.pos++
	for {
		if s.pos >= s.end && !s.fill() {
			s.setBad(fmt.Sprintf("a quote opened on line %d is never closed: the record runs to the end of the file", open))
			s.broke = s.prevNL // the file's last line break is the record's
			s.endField(true)
			return false
		}
		chunk := s.buf[s.pos:s.end]
		i := s.d.indexQuoted(chunk)
		if i < 0 {
			s.takeQuoted(chunk)
			s.pos = s.end
			continue
		}
		s.takeQuoted(chunk[:i])
		s.pos += i
		if end, more := s.quotedSpecial(); end {
			return more
		}
	}
}

// takeQuoted takes text inside quotes, counting its line breaks.
func (s *scanner) takeQuoted(b []byte) {
	s.take(b, true)
	s.line += bytes.Count(b, []byte{'\n'})
}

// quotedSpecial handles a quote or an escape inside a quoted field.
func (s *scanner) quotedSpecial() (end, more bool) {
	c := s.buf[s.pos]
	if s.d.escaping && c == s.d.escape {
		return s.escaped(true)
	}
	n, ok := s.peek(1)
	if ok && n == s.d.quote {
		s.take(s.buf[s.pos:s.pos+2], false)
		s.takeValue(n)
		s.pos += 2
		return false, false
	}
	s.take(s.buf[s.pos:s.pos+1], false)
	s.pos++
	return true, s.afterQuote()
}

// afterQuote reads what ends a quoted field; more is false at the record's end.
func (s *scanner) afterQuote() bool {
	c, ok := s.peek(0)
	switch {
	case !ok:
		s.endField(true)
		return false
	case c == s.d.delim:
		s.take(s.buf[s.pos:s.pos+1], false)
		s.pos++
		s.endField(true)
		return true
	case c == '\n':
		s.pos++
		s.newline()
		s.endField(true)
		return false
	case c == '\r':
		if n, ok := s.peek(1); ok && n == '\n' {
			s.pos += 2
			s.newline()
			s.endField(true)
			return false
		}
	}
	s.malformed("text after a closing quote")
	return false
}

func (s *scanner) setBad(why string) {
	if s.rec.bad == "" {
		s.rec.bad = why
	}
}

// malformed marks the record and reads the rest of its line into it.
func (s *scanner) malformed(why string) {
	s.setBad(why)
	s.endField(false)
	for {
		if s.pos >= s.end && !s.fill() {
			return
		}
		chunk := s.buf[s.pos:s.end]
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			s.take(chunk, false)
			s.pos = s.end
			continue
		}
		s.take(chunk[:i], false)
		s.pos += i + 1
		s.newline()
		if n := len(s.rec.raw); n > 0 && s.rec.raw[n-1] == '\r' && !s.over {
			s.rec.raw = s.rec.raw[:n-1] // the \r of a \r\n, perhaps taken with an earlier chunk
		}
		return
	}
}

// newline counts the line break that ends a record.
func (s *scanner) newline() {
	s.line++
	s.broke = true
}
