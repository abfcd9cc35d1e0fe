package csvsrc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// layout is what the first read of a file found out about its bytes, so
// that every later read opens it the same way.
type layout struct {
	gzip bool
	enc  *encoding // after the byte order mark decided
	be   bool      // UTF-16 big-endian
	bom  int64     // bytes of the byte order mark, skipped
}

// seekable reports a file whose offsets as parsed are its own (not
// compressed, not UTF-16), so that a read can start at a record boundary
// found earlier.
func (l layout) seekable() bool { return !l.gzip && !l.enc.transcoded() }

// stream is an open file read as UTF-8 text from its first character (or
// from a record boundary of a seekable file).
type stream struct {
	file *os.File
	gz   *gzip.Reader
	raw  *countReader // the file's bytes read so far, for estimates
	text io.Reader
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

var gzipMagic = []byte{0x1f, 0x8b}

// probe opens path for the first time: it recognises gzip by its magic
// number and the text's byte order mark, which overrides enc when enc is
// UTF-8 or UTF-16.
func probe(path string, enc *encoding) (layout, error) {
	f, err := os.Open(path)
	if err != nil {
		return layout{}, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	l := layout{enc: enc}
	if magic, _ := br.Peek(2); bytes.Equal(magic, gzipMagic) {
		l.gzip = true
		gz, err := gzip.NewReader(br)
		if err != nil {
			return l, fmt.Errorf("read gzip header: %w", err)
		}
		defer gz.Close()
		br = bufio.NewReader(gz)
	}
	head, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return l, fmt.Errorf("read: %w", err)
	}
	return byteOrderMark(l, head)
}

// byteOrderMark reads a BOM at the start of the text. Only the Unicode
// encodings have one; a legacy-set file starting with those bytes means
// them as characters.
func byteOrderMark(l layout, head []byte) (layout, error) {
	if l.enc.set != nil {
		return l, nil
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) && l.enc.utf16 == utf16None:
		l.bom = 3
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) && l.enc.utf16 != utf16BE:
		l.enc, l.bom = &encoding{name: "utf-16le", utf16: utf16LE}, 2
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}) && l.enc.utf16 != utf16LE:
		l.enc, l.bom, l.be = &encoding{name: "utf-16be", utf16: utf16BE}, 2, true
	case l.enc.utf16 == utf16BOM:
		return l, errors.New("encoding utf-16 needs a byte order mark, and the file has none: set encoding utf-16le or utf-16be")
	}
	l.be = l.be || l.enc.utf16 == utf16BE
	return l, nil
}

// open opens path as l says, positioned at decoded offset off (a record
// boundary; 0 is the first character after the byte order mark).
func open(path string, l layout, off int64) (*stream, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s := &stream{file: f}
	if err := s.start(l, off); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *stream) start(l layout, off int64) error {
	if off > 0 && !l.seekable() {
		return errors.New("cannot seek in a compressed or UTF-16 file")
	}
	if l.seekable() {
		if _, err := s.file.Seek(l.bom+off, io.SeekStart); err != nil {
			return fmt.Errorf("seek: %w", err)
		}
	}
	s.raw = &countReader{r: s.file}
	var r io.Reader = s.raw
	if l.gzip {
		gz, err := gzip.NewReader(bufio.NewReaderSize(r, 64<<10))
		if err != nil {
			return fmt.Errorf("read gzip header: %w", err)
		}
		s.gz, r = gz, gz
	}
	if !l.seekable() && l.bom > 0 {
		if _, err := io.CopyN(io.Discard, r, l.bom); err != nil {
			return fmt.Errorf("skip the byte order mark: %w", err)
		}
	}
	if l.enc.transcoded() {
		r = newTranscoder(r, l.be)
	}
	s.text = r
	return nil
}

func (s *stream) Close() error {
	if s.gz != nil {
		s.gz.Close()
	}
	return s.file.Close()
}
