package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
)

// DeclareEncoding makes the source read the file's text as stored in the
// named encoding (charset.Lookup): a legacy file whose TEXT values hold,
// say, latin1 bytes, which SQLite neither records nor checks. Every column
// but a BLOB one then has it as its Charset, and its TEXT values are
// converted strictly. A file in UTF-16 takes none: SQLite converts its text
// to UTF-8 itself.
func (s *Source) DeclareEncoding(ctx context.Context, name string) error {
	enc, ok := charset.Lookup(name)
	if !ok {
		return errors.New("unknown encoding")
	}
	var stored string
	if err := s.db.QueryRowContext(ctx, "PRAGMA encoding").Scan(&stored); err != nil {
		return fmt.Errorf("read the file's encoding: %w", err)
	}
	if stored != "UTF-8" {
		return fmt.Errorf("the file stores its text in %s, which SQLite converts to UTF-8 itself: declare no encoding", stored)
	}
	s.enc = enc
	return nil
}

// markCharsets gives the columns whose TEXT values are in the declared
// encoding their Charset: every column but a BLOB one, whose values are
// bytes, whatever their storage class.
func (s *Source) markCharsets(cols []sluice.Column) {
	if s.enc == nil {
		return
	}
	for i := range cols {
		if cols[i].Type.Kind != sluice.KindBytes {
			cols[i].Charset = s.enc.Name()
		}
	}
}

// decoders returns, for each column a request selects (its Columns, then
// its Key), the encoding to convert its TEXT values from, or nil.
func (s *Source) decoders(ctx context.Context, req sluice.ReadRequest) ([]*charset.Encoding, error) {
	names := append(append([]string{}, req.Columns...), req.Key...)
	if s.enc == nil {
		return make([]*charset.Encoding, len(names)), nil
	}
	cols, _, err := s.columns(ctx, req.Table)
	if err != nil {
		return nil, fmt.Errorf("read %s.%s: %w", s.name, req.Table, err)
	}
	decs := make([]*charset.Encoding, len(names))
	for i, name := range names {
		for _, c := range cols {
			if equalFold(c.Name, name) && c.Charset != "" {
				decs[i] = s.enc
			}
		}
	}
	return decs, nil
}

// decode converts a TEXT value (a string; other storage classes pass as
// they are) from enc, or makes it an Undecodable.
func decode(enc *charset.Encoding, v any) any {
	str, ok := v.(string)
	if !ok || enc == nil {
		return v
	}
	text, err := enc.Decode([]byte(str))
	if err != nil {
		return sluice.Undecodable{Charset: enc.Name(), Bytes: []byte(str), Reason: err.Error()}
	}
	return text
}

// encodeBounds turns the After values of key columns read with an encoding
// back into the TEXT values they were read from: a decoded string is
// converted back, an Undecodable is its bytes.
func encodeBounds(after []any, keyDecs []*charset.Encoding) ([]any, error) {
	if after == nil {
		return nil, nil // no bound: the first chunk
	}
	out := make([]any, len(after))
	for i, v := range after {
		out[i] = v
		if i >= len(keyDecs) || keyDecs[i] == nil {
			continue
		}
		switch x := v.(type) {
		case string:
			b, err := keyDecs[i].Encode(x)
			if err != nil {
				return nil, fmt.Errorf("key value %d: %w", i+1, err)
			}
			out[i] = string(b)
		case sluice.Undecodable:
			out[i] = string(x.Bytes)
		}
	}
	return out, nil
}

// decodeKeys converts key values read outside Read as Read converts them,
// so that they compare with the keys Read yields.
func (s *Source) decodeKeys(ctx context.Context, table string, cols []string, keys [][]any) error {
	decs, err := s.decoders(ctx, sluice.ReadRequest{Table: table, Key: cols})
	if err != nil {
		return err
	}
	for _, key := range keys {
		for i, enc := range decs {
			key[i] = decode(enc, key[i])
		}
	}
	return nil
}
