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
// Undecodable, in Values and in Key alike: a bound made of it converts its
// bytes back into the column's set (boundArg).
func inCharset(v any, err error, charset string, stored []byte) (any, error) {
	if err != nil || stored == nil {
		return v, err
	}
	raw := bytes.Clone(stored)
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
