package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// errNoKey refuses a summary by ctid: a row's ctid changes whenever the row
// is updated or the table vacuumed full, so a range of ctids does not name
// the same rows from one run to the next. The caller reads the chunk instead.
var errNoKey = errors.New("summaries need a key")

// SummarySQL digests the rows a SummaryRequest selects on the server: their
// count and the bit_xor of each 64-bit half of every row's md5 (XOR does
// not depend on the order rows come in). The rows are picked in a derived
// table with the same FROM, bounds, order and limit as ReadSQL, so a summary
// covers exactly the rows Read would send. It needs PostgreSQL 14 (bit_xor).
func SummarySQL(schema string, req sluice.SummaryRequest, types map[string]sluice.Type, partitioned bool) (string, []any, error) {
	cols := digestColumns(req.ReadRequest)
	if len(req.Key) == 0 {
		return "", nil, errNoKey
	}
	for _, c := range cols {
		if _, ok := types[c]; !ok && c == RowID {
			return "", nil, errNoKey
		}
	}
	if err := checkBounds(req); err != nil {
		return "", nil, err
	}
	tail, args := chunkTail(schema, req.ReadRequest, req.Upto, types, partitioned)
	q := "SELECT count(*), " + xorHalf(1) + ", " + xorHalf(17) +
		" FROM (SELECT " + rowDigest(cols) + " AS m" + tail + ") s"
	return q, args, nil
}

func checkBounds(req sluice.SummaryRequest) error {
	if req.After != nil && len(req.After) != len(req.Key) {
		return fmt.Errorf("%d key values after, for a key of %d columns", len(req.After), len(req.Key))
	}
	if req.Upto != nil && len(req.Upto) != len(req.Key) {
		return fmt.Errorf("%d key values up to, for a key of %d columns", len(req.Upto), len(req.Key))
	}
	return nil
}

func xorHalf(from int) string {
	return fmt.Sprintf("coalesce(bit_xor(('x' || substr(m, %d, 16))::bit(64)::bigint), 0)", from)
}

// digestColumns are the requested columns, then the key: with the key in
// it, no two rows have the same digest, so no pair of rows cancels out in
// the XOR whatever columns the caller asks for.
func digestColumns(req sluice.ReadRequest) []string {
	return append(append([]string{}, req.Columns...), req.Key...)
}

// rowDigest is the md5 of the row's text: a record's text form leaves NULL
// empty and double-quotes an empty string and any value holding a comma,
// quote, parenthesis, backslash or space, so NULL, ”, 'NULL' and values
// holding the separator all differ. Columns are named bare: the select list
// of the derived table sees the table's columns.
func rowDigest(cols []string) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = QuoteIdent(c)
	}
	return "md5(ROW(" + strings.Join(quoted, ", ") + ")::text)"
}
