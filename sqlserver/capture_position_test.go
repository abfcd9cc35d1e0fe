package sqlserver_test

import (
	"testing"

	"github.com/sluicedb/sluice/sqlserver"
)

// Positions read back from their text as they were, and order by LSN,
// then seqval; a Change Tracking position does not compare with an LSN.
func TestPositionsReadBackAndOrder(t *testing.T) {
	var src *sqlserver.Source
	texts := []string{"0000002A000001A00003", "0000002A000001A00003/0000002A000001A00001", "0000002B000000100001", "ct:0", "ct:42"}
	for _, text := range texts {
		p, err := src.ParsePosition(text)
		if err != nil || p.String() != text {
			t.Errorf("%q reads back as %v (%v)", text, p, err)
		}
	}
	a, _ := src.ParsePosition(texts[1])
	b, _ := src.ParsePosition(texts[0])
	c, _ := src.ParsePosition(texts[2])
	if n, err := a.Compare(b); err != nil || n >= 0 {
		t.Errorf("a seqval within the transaction is not before the whole transaction: %d %v", n, err)
	}
	if n, err := c.Compare(b); err != nil || n <= 0 {
		t.Errorf("a later LSN is not after: %d %v", n, err)
	}
	ct, _ := src.ParsePosition("ct:42")
	if _, err := ct.Compare(b); err == nil {
		t.Errorf("a Change Tracking version compared with an LSN")
	}
	for _, bad := range []string{"", "0x12", "ct:", "ct:-1", "0000002A000001A00003/12", "zz00002A000001A00003"} {
		if p, err := src.ParsePosition(bad); err == nil {
			t.Errorf("%q read as %v", bad, p)
		}
	}
}

func FuzzParsePosition(f *testing.F) {
	for _, s := range []string{"0000002A000001A00003", "0000002A000001A00003/0000002A000001A00001", "ct:7", "0x0000002A000001A00003"} {
		f.Add(s)
	}
	var src *sqlserver.Source
	f.Fuzz(func(t *testing.T, text string) {
		p, err := src.ParsePosition(text)
		if err != nil {
			return
		}
		back, err := src.ParsePosition(p.String())
		if err != nil {
			t.Fatalf("%q read as %v, whose text does not read back: %v", text, p, err)
		}
		if n, err := back.Compare(p); err != nil || n != 0 {
			t.Fatalf("%q read as %v, read back as %v", text, p, back)
		}
	})
}
