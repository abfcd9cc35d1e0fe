package sluice

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// KeySetReader is a Source that reads the rows of chosen keys of a table
// whose key is one integer column, found by type assertion:
//
//	r, ok := src.(sluice.KeySetReader)
//
// A cutover's proof reads again, under the write freeze, only the rows
// changed since it verified them before.
type KeySetReader interface {
	Source
	// ReadKeys reads the rows of req.Table whose key (req.Key, one column)
	// is one of keys, with req.Where, in key order, as Read yields them.
	// req.After and req.Limit are ignored.
	ReadKeys(ctx context.Context, req ReadRequest, keys []int64) (RowIter, error)
}

// ReadKeySet is ReadKeys for an engine whose Read takes a SQL filter: the
// key column, quoted by the engine's quote, in a list of integer literals
// (the same in every SQL dialect), and the request's own filter.
func ReadKeySet(ctx context.Context, src Source, quote func(string) string, req ReadRequest, keys []int64) (RowIter, error) {
	if len(req.Key) != 1 {
		return nil, fmt.Errorf("read keys of %s: a key of %d columns, want one", req.Table, len(req.Key))
	}
	var b strings.Builder
	b.WriteString(quote(req.Key[0]) + " IN (")
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(k, 10))
	}
	b.WriteByte(')')
	if req.Where != "" {
		req.Where = "(" + req.Where + ") AND " + b.String()
	} else {
		req.Where = b.String()
	}
	req.After, req.Limit = nil, 0
	return src.Read(ctx, req)
}
