package charset

import (
	"bytes"
	"errors"
	"testing"
)

func TestDecode(t *testing.T) {
	cases := []struct {
		set  string
		in   []byte
		want string
		err  string
	}{
		{"latin1", []byte{0xe9}, "é", ""},
		{"latin1", []byte{0x80, 0x9f}, "€Ÿ", ""},
		{"latin1", []byte{0x81, 0x9d}, "\u0081\u009d", ""}, // undefined in Windows-1252, C1 in MySQL's latin1
		{"cp1252", []byte{'a', 0x81}, "", "not valid cp1252: bytes 81 at byte 1"},
		{"iso-8859-1", []byte{0x80, 0xe9}, "\u0080é", ""},
		{"iso-8859-2", []byte{0xa1, 0x85}, "Ą\u0085", ""},
		{"cp1251", []byte{0xc0, 0xff}, "Ая", ""},
		{"cp1251", []byte{0xc0, 0x98}, "", "not valid cp1251: bytes 98 at byte 1"},
		{"koi8r", []byte{0xc1}, "а", ""},
		{"ascii", []byte("plain"), "plain", ""},
		{"ascii", []byte{'x', 0xe9}, "", "not valid ascii: bytes e9 at byte 1"},
		{"gbk", []byte{0xb0, 0xa1}, "啊", ""},
		{"gbk", []byte{0xa3, 0x80}, "", "not valid gbk: bytes a380 at byte 0"},
		{"gbk", []byte{'a', 0xb0, 0xa1, 0xa3, 0x80, 'z'}, "", "not valid gbk: bytes a380 at byte 3"},
		{"gbk", []byte{'a', 0xb0}, "", "not valid gbk: bytes b0 at byte 1"}, // cut short
		{"gb18030", []byte{0x81, 0x30, 0x81, 0x30}, "\u0080", ""},
		{"big5", []byte{0xa4, 0x40}, "一", ""},
		{"sjis", []byte{0x82, 0xa0}, "あ", ""},
		{"sjis", []byte{0x82}, "", "not valid sjis: bytes 82 at byte 0"},
		{"eucjp", []byte{0xa4, 0xa2}, "あ", ""},
		{"euckr", []byte{0xb0, 0xa1}, "가", ""},
		{"latin1", nil, "", ""},
		{"gbk", []byte{}, "", ""},
	}
	for _, c := range cases {
		e, ok := Lookup(c.set)
		if !ok {
			t.Fatalf("Lookup(%q) found nothing", c.set)
		}
		got, err := e.Decode(c.in)
		if c.err != "" {
			var ce *Error
			if !errors.As(err, &ce) || err.Error() != c.err {
				t.Errorf("%s % x: error %v, want %q", c.set, c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s % x = %q, %v; want %q", c.set, c.in, got, err, c.want)
			continue
		}
		back, err := e.Encode(got)
		if err != nil || !bytes.Equal(back, c.in) {
			t.Errorf("%s: Encode(%q) = % x, %v; want % x", c.set, got, back, err, c.in)
		}
	}
}

// Every byte of a single-byte set either is not a character or round-trips,
// and no two bytes decode to the same character.
func TestSingleByteSetsAreInjective(t *testing.T) {
	for name := range singles {
		e, _ := Lookup(name)
		seen := map[string]byte{}
		for i := range 256 {
			b := []byte{byte(i)}
			s, err := e.Decode(b)
			if err != nil {
				continue
			}
			if prev, dup := seen[s]; dup {
				t.Errorf("%s: bytes %02x and %02x both decode to %q", name, prev, i, s)
			}
			seen[s] = byte(i)
			if back, err := e.Encode(s); err != nil || !bytes.Equal(back, b) {
				t.Errorf("%s: %02x decodes to %q, which encodes to % x, %v", name, i, s, back, err)
			}
		}
	}
}

// MySQL's latin1 and the ISO sets decode every byte: nothing stored in them
// can be rejected.
func TestEveryByteDecodes(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, name := range []string{"latin1", "iso-8859-1", "iso-8859-15", "koi8r", "cp866"} {
		e, _ := Lookup(name)
		if _, err := e.Decode(all); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestLookup(t *testing.T) {
	for spelling, want := range map[string]string{
		"LATIN1": "latin1", "Windows-1252": "cp1252", "shift_jis": "sjis", "UJIS": "eucjp",
		"koi8-r": "koi8r", "cp936": "gbk", "US-ASCII": "ascii", "latin2": "iso-8859-2",
	} {
		e, ok := Lookup(spelling)
		if !ok || e.Name() != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", spelling, e, ok, want)
		}
	}
	for _, unknown := range []string{"", "utf8", "ebcdic", "latin"} {
		if _, ok := Lookup(unknown); ok {
			t.Errorf("Lookup(%q) found an encoding", unknown)
		}
	}
	if n := len(Names()); n != len(singles)+len(multis) {
		t.Errorf("Names() has %d names, want %d", n, len(singles)+len(multis))
	}
}

func TestEncodeRefusesWhatTheSetLacks(t *testing.T) {
	for _, c := range []struct{ set, text string }{
		{"latin1", "啊"}, {"ascii", "é"}, {"gbk", "\U0001F600"}, {"cp1251", "€\xff"},
	} {
		e, _ := Lookup(c.set)
		if b, err := e.Encode(c.text); err == nil {
			t.Errorf("%s: Encode(%q) = % x, want an error", c.set, c.text, b)
		}
	}
}

// FuzzStrict: whatever Decode accepts encodes back to the same bytes, so
// two different values never decode to one string.
func FuzzStrict(f *testing.F) {
	for _, seed := range [][]byte{{0xb0, 0xa1}, {0xa3, 0x80}, {0x81, 0x30, 0x81, 0x30}, {0xe9, 0x41}, {0x82, 0xa0, 0xff}} {
		f.Add(seed)
	}
	names := Names()
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range names {
			e, _ := Lookup(name)
			s, err := e.Decode(b)
			if err != nil {
				var ce *Error
				if !errors.As(err, &ce) || ce.Offset < 0 || ce.Offset+len(ce.Bytes) > len(b) || len(ce.Bytes) == 0 {
					t.Fatalf("%s % x: error %v does not point into the value", name, b, err)
				}
				continue
			}
			if back, err := e.Encode(s); err != nil || !bytes.Equal(back, b) {
				t.Fatalf("%s: % x decodes to %q, which encodes to % x, %v", name, b, s, back, err)
			}
		}
	})
}
