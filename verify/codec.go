package verify

import (
	"encoding/binary"
	"fmt"
	"reflect"

	"github.com/jackc/pgx/v5/pgtype"
)

// A row is encoded as its columns in order, each a 4-byte big-endian length
// and that many bytes, the way binary COPY writes a tuple:
//
//   - a value is PostgreSQL's binary form of the target column's type, the
//     same bytes whether pgx encodes the transformed source value or
//     PostgreSQL sends the stored one; the few types whose binary form is not
//     canonical are normalized (see normalize.go);
//   - NULL has the length -1;
//   - a source value that cannot be encoded as the column's type (the target
//     column's type was changed) has the length errorFlag|n and n bytes of
//     explanation, which no stored value can equal.
const (
	nullLength = 0xFFFFFFFF
	errorFlag  = 0x80000000
)

// codec encodes the values of one table's compared columns. pgtype.Map is not
// safe for concurrent use, so each goroutine has its own codec.
type codec struct {
	m       *pgtype.Map
	cols    []colCodec
	scratch []byte
}

type colCodec struct {
	oid  uint32
	norm func(dst, src []byte) []byte // nil when the binary form is canonical
	typ  reflect.Type                 // the Go type plan was made for
	plan pgtype.EncodePlan
}

func newCodec(oids []uint32) *codec {
	c := &codec{m: pgtype.NewMap(), cols: make([]colCodec, len(oids))}
	for i, oid := range oids {
		c.cols[i] = colCodec{oid: oid, norm: normalizer(oid)}
	}
	return c
}

// appendSource appends column i's encoding of v, a transformed source value.
func (c *codec) appendSource(buf []byte, i int, v any) []byte {
	pos := len(buf)
	buf = append(buf, 0, 0, 0, 0)
	if v == nil {
		return putLength(buf, pos, nullLength)
	}
	cc := &c.cols[i]
	if t := reflect.TypeOf(v); t != cc.typ || cc.plan == nil {
		cc.typ, cc.plan = t, c.m.PlanEncode(cc.oid, pgtype.BinaryFormatCode, v)
	}
	if cc.plan == nil {
		return appendError(buf[:pos], fmt.Sprintf("cannot encode %T %v as %s", v, v, c.typeName(i)))
	}
	out, err := cc.plan.Encode(v, buf)
	if err != nil {
		return appendError(buf[:pos], fmt.Sprintf("cannot encode %v as %s: %v", v, c.typeName(i), err))
	}
	if out == nil {
		return putLength(buf, pos, nullLength)
	}
	return c.finish(out, pos, i)
}

// appendTarget appends column i's encoding of raw, a value PostgreSQL sent
// in binary (nil for NULL).
func (c *codec) appendTarget(buf []byte, i int, raw []byte) []byte {
	pos := len(buf)
	buf = append(buf, 0, 0, 0, 0)
	if raw == nil {
		return putLength(buf, pos, nullLength)
	}
	return c.finish(append(buf, raw...), pos, i)
}

// finish normalizes the value written after pos and sets its length.
func (c *codec) finish(buf []byte, pos, i int) []byte {
	if norm := c.cols[i].norm; norm != nil {
		c.scratch = norm(c.scratch[:0], buf[pos+4:])
		buf = append(buf[:pos+4], c.scratch...)
	}
	return putLength(buf, pos, uint32(len(buf)-pos-4))
}

func (c *codec) typeName(i int) string {
	if t, ok := c.m.TypeForOID(c.cols[i].oid); ok {
		return t.Name
	}
	return fmt.Sprintf("type %d", c.cols[i].oid)
}

func putLength(buf []byte, pos int, n uint32) []byte {
	binary.BigEndian.PutUint32(buf[pos:], n)
	return buf
}

func appendError(buf []byte, msg string) []byte {
	buf = binary.BigEndian.AppendUint32(buf, errorFlag|uint32(len(msg)))
	return append(buf, msg...)
}

// field is one encoded column: its bytes, or null, or a source value that
// could not be encoded (its explanation in b).
type field struct {
	b      []byte
	null   bool
	failed bool
}

// nextField splits the first field off an encoded row.
func nextField(row []byte) (field, []byte) {
	n := binary.BigEndian.Uint32(row)
	row = row[4:]
	switch {
	case n == nullLength:
		return field{null: true}, row
	case n&errorFlag != 0:
		n &^= errorFlag
		return field{b: row[:n], failed: true}, row[n:]
	}
	return field{b: row[:n]}, row[n:]
}

// fields splits an encoded row into its columns, reusing out.
func fields(row []byte, out []field) []field {
	out = out[:0]
	for len(row) > 0 {
		var f field
		f, row = nextField(row)
		out = append(out, f)
	}
	return out
}
