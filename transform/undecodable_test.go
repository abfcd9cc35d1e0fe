package transform

import (
	"reflect"
	"testing"

	"github.com/sluicedb/sluice"
)

// gbkA380 is a GBK value MariaDB has no character for.
var gbkA380 = sluice.Undecodable{Charset: "gbk", Bytes: []byte{0xa3, 0x80}, Reason: "not valid gbk: bytes a380"}

// A value its source could not convert from its character set rejects the
// row, with the source's reason and the stored bytes as the raw value,
// wherever the row uses it: a value, a key, a foreign key, an expression,
// an expanded list.
func TestUndecodableRejectsTheRow(t *testing.T) {
	raw := []byte{0xa3, 0x80}
	withNote := []any{int64(9), nil, nil, nil, nil, gbkA380, "1", nil, nil}
	inRef := []any{int64(9), nil, gbkA380, nil, nil, "x", "1", nil, nil}
	cases := []struct {
		name string
		pt   func() *Row
		src  []any
		want Reject
	}{
		{"value", func() *Row { return compile(t, shipments()) }, withNote,
			Reject{Column: "note", Raw: raw, Reason: "not valid gbk: bytes a380"}},
		{"foreign key", func() *Row { return compile(t, shipments()) }, inRef,
			Reject{Column: "country_id", Raw: raw, Reason: "key column CountryCode: not valid gbk: bytes a380"}},
		{"key", func() *Row { return compile(t, countries) }, []any{gbkA380},
			Reject{Column: "id", Raw: raw, Reason: "key column Code: not valid gbk: bytes a380"}},
		{"composite legacy key", func() *Row { return compile(t, orderLines) }, []any{gbkA380, int64(2), nil},
			Reject{Column: "id", Raw: raw, Reason: "key column OrderID: not valid gbk: bytes a380"}},
	}
	for _, c := range cases {
		dst := make([]any, 16)
		r := c.pt()
		rej := r.Apply(c.src, dst[:len(r.cols)])
		if rej == nil || !reflect.DeepEqual(*rej, c.want) {
			t.Errorf("%s: Apply = %+v, want %+v", c.name, rej, c.want)
		}
	}
}

func TestUndecodableExpansionRejects(t *testing.T) {
	_, rej := compile(t, tags()).Expand(clinic(nil, gbkA380, nil), nil)
	want := Reject{Column: "Tags", Raw: []byte{0xa3, 0x80}, Reason: "expand Tags: not valid gbk: bytes a380"}
	if rej == nil || !reflect.DeepEqual(*rej, want) {
		t.Errorf("Expand = %+v, want %+v", rej, want)
	}
}

// A decoded value is text like any other: its row is made as usual.
func TestDecodedValueLoads(t *testing.T) {
	if got := apply(t, countries, "啊")[1]; got != "啊" {
		t.Errorf("legacy key = %#v, want 啊", got)
	}
}
