package csvsrc

import (
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// transcoder turns a UTF-16 stream into UTF-8, with badByte for input that
// is not text (an unpaired surrogate, a stray last byte).
type transcoder struct {
	src  io.Reader
	be   bool   // UTF-16 big-endian
	in   []byte // input not yet converted (at most one byte of a UTF-16 unit, or a high surrogate's two)
	out  []byte // converted, not yet read
	buf  []byte
	done bool
}

func newTranscoder(src io.Reader, bigEndian bool) *transcoder {
	return &transcoder{src: src, be: bigEndian, buf: make([]byte, 32<<10)}
}

func (t *transcoder) Read(p []byte) (int, error) {
	for len(t.out) == 0 {
		if t.done {
			return 0, io.EOF
		}
		if err := t.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, t.out)
	t.out = t.out[n:]
	return n, nil
}

func (t *transcoder) fill() error {
	n, err := t.src.Read(t.buf)
	in := append(t.in, t.buf[:n]...)
	t.out = t.out[:0]
	if err == io.EOF {
		t.done = true
	} else if err != nil {
		return err
	}
	rest := t.units(in)
	t.in = append(in[:0], rest...)
	if t.done && len(t.in) > 0 {
		t.out = append(t.out, badByte) // a stray last byte, or a high surrogate with nothing after it
		t.in = t.in[:0]
	}
	return nil
}

// units converts whole UTF-16 units and pairs; it returns the bytes that
// may still start a character with the next input.
func (t *transcoder) units(in []byte) []byte {
	for len(in) >= 2 {
		u := t.unit(in)
		switch {
		case !utf16.IsSurrogate(rune(u)):
			t.out = utf8.AppendRune(t.out, rune(u))
			in = in[2:]
		case u >= 0xDC00:
			t.out = append(t.out, badByte) // a low surrogate without its high one
			in = in[2:]
		case len(in) < 4:
			return in
		default:
			low := t.unit(in[2:])
			if r := utf16.DecodeRune(rune(u), rune(low)); r != utf8.RuneError {
				t.out = utf8.AppendRune(t.out, r)
				in = in[4:]
			} else {
				t.out = append(t.out, badByte) // a high surrogate without its low one
				in = in[2:]
			}
		}
	}
	return in
}

func (t *transcoder) unit(b []byte) uint16 {
	if t.be {
		return uint16(b[0])<<8 | uint16(b[1])
	}
	return uint16(b[1])<<8 | uint16(b[0])
}
