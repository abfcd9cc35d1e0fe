package mysql

import (
	"bytes"
	"fmt"

	"github.com/sluicedb/sluice"
)

// maxShownBytes bounds the stored bytes a reason shows; the reject keeps
// all of them.
const maxShownBytes = 32

// inCharset settles a value of a column read as two (readExprs): v is the
// server's utf8mb4 conversion, stored the stored bytes, which the server
// sends only when that conversion is not exact. Then the value is an
// Undecodable, or for a key column the stored bytes themselves: what the
// next chunk's bound converts back into the column's set.
func inCharset(v any, err error, charset string, stored []byte, key bool) (any, error) {
	if err != nil || stored == nil {
		return v, err
	}
	raw := bytes.Clone(stored)
	if key {
		return raw, nil
	}
	return sluice.Undecodable{Charset: charset, Bytes: raw, Reason: undecodableReason(charset, raw)}, nil
}

// undecodableReason: "not valid gbk: bytes a380". The server does not say
// which sequence it has no character for, so the reason shows the value's
// bytes, at most maxShownBytes of them.
func undecodableReason(charset string, raw []byte) string {
	if len(raw) <= maxShownBytes {
		return fmt.Sprintf("not valid %s: bytes %x", charset, raw)
	}
	return fmt.Sprintf("not valid %s: bytes %x... (%d bytes)", charset, raw[:maxShownBytes], len(raw))
}
