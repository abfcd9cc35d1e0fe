package sluice

import "time"

// valueOverhead is what holding any value costs besides its bytes: the
// interface that holds it in a row and the allocation behind it. Counting it
// keeps a byte budget honest for narrow rows of many small values.
const valueOverhead = 16

// RowSize estimates the memory one row's values hold, in bytes, for a chunk's
// byte budget: the length of each text and binary value plus a fixed cost per
// value. It is an estimate (a driver or transform may hold a copy), but it
// grows with the data, which is what bounds memory whatever the row width.
func RowSize(vals []any) int64 {
	var n int64
	for _, v := range vals {
		n += valueOverhead + valueBytes(v)
	}
	return n
}

func valueBytes(v any) int64 {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		return int64(len(x))
	case []byte:
		return int64(len(x))
	case Geometry:
		return 8 + int64(len(x.WKB))
	case Undecodable:
		return int64(len(x.Charset) + len(x.Bytes) + len(x.Reason))
	case Invalid:
		return int64(len(x.Reason) + len(x.Raw))
	case time.Time:
		return 24
	default:
		return 8
	}
}
