package mysql

import (
	"errors"
	"strings"

	"github.com/sluicedb/sluice"
)

// summarySQL digests the rows a SummaryRequest selects on the server: their
// count, the BIT_XOR of the first 64 bits of every row's MD5 (XOR does not
// depend on the order rows come in, and MD5, unlike a CRC, is not linear,
// so values swapped between two rows change it), and how many rows had no
// digest. With a Limit the rows are picked in a derived table with the same
// bounds, order and limit as selectSQL, so a summary covers exactly the rows
// Read would send; a range bounded by Upto needs no order, and is digested
// in one pass without materialising the rows (about twice as fast).
func summarySQL(req sluice.SummaryRequest, sets charsets, floats floatColumns) (string, []any, error) {
	if len(req.Key) == 0 {
		return "", nil, errors.New("summaries need a key")
	}
	tail, args, err := chunkTail(req.ReadRequest, req.Upto, sets)
	if err != nil {
		return "", nil, err
	}
	if req.Limit == 0 {
		tail = strings.TrimSuffix(tail, " ORDER BY "+quoteList(req.Key))
	}
	row := rowConcat(digestColumns(req.ReadRequest), sets, floats)
	if req.Limit == 0 {
		q := "SELECT COUNT(*), " + xorOf("MD5("+row+")") + ", COUNT(*) - COUNT(" + row + ") FROM " + quoteIdent(req.Table) + tail
		return q, args, nil
	}
	q := "SELECT COUNT(*), " + xorOf("m") + ", COUNT(*) - COUNT(m)" +
		" FROM (SELECT MD5(" + row + ") AS m FROM " + quoteIdent(req.Table) + tail + ") s"
	return q, args, nil
}

func xorOf(md5 string) string {
	return "COALESCE(BIT_XOR(CAST(CONV(LEFT(" + md5 + ", 16), 16, 10) AS UNSIGNED)), 0)"
}

// digestColumns are the requested columns, then the key: with the key in
// it, no two rows have the same digest, so no pair of rows cancels out in
// the XOR whatever columns the caller asks for.
func digestColumns(req sluice.ReadRequest) []string {
	return append(append([]string{}, req.Columns...), req.Key...)
}

// rowConcat is the row's values, each QUOTEd and joined by commas: QUOTE
// renders NULL as the bare word NULL and every other value quoted, with its
// quotes, backslashes, NUL and Ctrl-Z bytes escaped, binary strings
// included, so NULL, ”, 'NULL' and values holding the separator all
// differ. A value whose quoted text exceeds max_allowed_packet makes QUOTE
// NULL, which CONCAT (unlike CONCAT_WS, which skips NULLs) spreads to the
// whole row; summarySQL counts those rows rather than hash them as if they
// were shorter.
//
// A column in a character set other than UTF-8 is digested as its stored
// bytes, as Read reads it: CONCAT would otherwise convert it, writing ? for
// every byte sequence it has no character for, so that a change between two
// such values would not change the digest (and two columns of different
// sets could not be concatenated at all).
//
// A FLOAT is digested as the DOUBLE Read reads (floatColumns): its own text
// has 6 significant digits, so a change in the seventh would not change
// the digest, and a rerun would skip the chunk that holds it.
func rowConcat(cols []string, sets charsets, floats floatColumns) string {
	exprs := make([]string, len(cols))
	for i, c := range cols {
		v := quoteIdent(c)
		if _, ok := sets[c]; ok {
			v = "CAST(" + v + " AS BINARY)"
		} else if floats[c] {
			v = floatExpr(c)
		}
		exprs[i] = "QUOTE(" + v + ")"
	}
	return "CONCAT(" + strings.Join(exprs, ", ',', ") + ")"
}
