package mysql

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// textConverter turns the stored bytes of a text column in a character set
// other than UTF-8, as the binlog has them, into what Read yields for them
// (readExprs): the server's utf8mb4 conversion, or a sluice.Undecodable when
// that conversion does not convert back to the same bytes. The server does
// the converting, so a streamed value is the copied one: a set it converts
// exactly byte by byte (exactSet) through a table of its 256 bytes asked
// once, any other set value by value, the last values remembered.
type textConverter struct {
	src    *Source
	tables map[string]*[256]string
	recent map[string]any // charset + "\x00" + stored bytes -> value
}

const recentValues = 10000

func newTextConverter(src *Source) *textConverter {
	return &textConverter{src: src, tables: map[string]*[256]string{}, recent: map[string]any{}}
}

func (c *textConverter) convert(ctx context.Context, charset, raw string) (any, error) {
	if !sqlName.MatchString(charset) {
		return nil, fmt.Errorf("unexpected character set %q", charset)
	}
	exact, err := c.src.exactSet(ctx, charset)
	if err != nil {
		return nil, err
	}
	if exact {
		return c.byTable(ctx, charset, raw)
	}
	key := charset + "\x00" + raw
	if v, ok := c.recent[key]; ok {
		return v, nil
	}
	v, err := c.byServer(ctx, charset, raw)
	if err != nil {
		return nil, err
	}
	if len(c.recent) >= recentValues {
		clear(c.recent)
	}
	c.recent[key] = v
	return v, nil
}

// byTable converts a single-byte set byte by byte.
func (c *textConverter) byTable(ctx context.Context, charset, raw string) (any, error) {
	table, ok := c.tables[charset]
	if !ok {
		var err error
		if table, err = c.src.byteTable(ctx, charset); err != nil {
			return nil, err
		}
		c.tables[charset] = table
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		b.WriteString(table[raw[i]])
	}
	return b.String(), nil
}

// byteTable asks the server for the utf8mb4 form of each byte of a
// single-byte character set.
func (s *Source) byteTable(ctx context.Context, charset string) (*[256]string, error) {
	q := fmt.Sprintf(`WITH RECURSIVE b(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM b WHERE n < 255)
		SELECT n, CONVERT(CONVERT(UNHEX(LPAD(HEX(n), 2, '0')) USING %s) USING utf8mb4) FROM b`, charset)
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("convert the bytes of %s: %w", charset, classify(err))
	}
	defer rows.Close()
	var table [256]string
	for rows.Next() {
		var n int
		var text string
		if err := rows.Scan(&n, &text); err != nil {
			return nil, fmt.Errorf("convert the bytes of %s: %w", charset, err)
		}
		table[n&0xff] = text
	}
	return &table, rows.Err()
}

// byServer converts one value as readExprs does: the conversion, and the
// stored bytes when it does not convert back to them.
func (c *textConverter) byServer(ctx context.Context, charset, raw string) (any, error) {
	stored := "CAST(? AS BINARY)"
	text := "CONVERT(CONVERT(" + stored + " USING " + charset + ") USING utf8mb4)"
	q := "SELECT " + text + ", CAST(CONVERT(" + text + " USING " + charset + ") AS BINARY) = " + stored
	var converted string
	var exact bool
	arg := []byte(raw)
	if err := c.src.db.QueryRowContext(ctx, q, arg, arg, arg).Scan(&converted, &exact); err != nil {
		return nil, fmt.Errorf("convert a %s value: %w", charset, classify(err))
	}
	if !exact {
		return sluice.Undecodable{Charset: charset, Bytes: arg, Reason: undecodableReason(charset, arg)}, nil
	}
	return converted, nil
}
