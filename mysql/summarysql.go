package mysql

import (
	"errors"
	"strings"

	"github.com/sluicedb/sluice"
)

// summarySQL digests the rows a SummaryRequest selects on the server: their
// count, the BIT_XOR of each 64-bit half of every row's MD5 (XOR does not
// depend on the order rows come in), and how many rows had no digest.
// The rows are picked in a derived table with the same bounds, order and
// limit as selectSQL, so a summary covers exactly the rows Read would send.
func summarySQL(req sluice.SummaryRequest) (string, []any, error) {
	if len(req.Key) == 0 {
		return "", nil, errors.New("summaries need a key")
	}
	tail, args, err := chunkTail(req.ReadRequest, req.Upto)
	if err != nil {
		return "", nil, err
	}
	q := "SELECT COUNT(*), " + xorHalf("LEFT") + ", " + xorHalf("RIGHT") + ", COUNT(*) - COUNT(m)" +
		" FROM (SELECT " + rowDigest(digestColumns(req.ReadRequest)) + " AS m FROM " + quoteIdent(req.Table) + tail + ") s"
	return q, args, nil
}

func xorHalf(side string) string {
	return "COALESCE(BIT_XOR(CAST(CONV(" + side + "(m, 16), 16, 10) AS UNSIGNED)), 0)"
}

// digestColumns are the requested columns, then the key: with the key in
// it, no two rows have the same digest, so no pair of rows cancels out in
// the XOR whatever columns the caller asks for.
func digestColumns(req sluice.ReadRequest) []string {
	return append(append([]string{}, req.Columns...), req.Key...)
}

// rowDigest is the MD5 of the row's values, each QUOTEd and joined by
// commas: QUOTE renders NULL as the bare word NULL and every other value
// quoted, with its quotes, backslashes, NUL and Ctrl-Z bytes escaped, binary
// strings included, so NULL, ”, 'NULL' and values holding the separator all
// differ. A value whose quoted text exceeds max_allowed_packet makes QUOTE
// NULL, which CONCAT (unlike CONCAT_WS, which skips NULLs) spreads to the
// whole digest; summarySQL counts those rows rather than hash them as if
// they were shorter.
func rowDigest(cols []string) string {
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = "QUOTE(" + quoteIdent(c) + ")"
	}
	return "MD5(CONCAT(" + strings.Join(exprs, ", ',', ") + "))"
}
