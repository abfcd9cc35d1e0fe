package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
)

// sqlASCII is the server encoding that is none: PostgreSQL stores and sends
// a SQL_ASCII database's bytes as they are, whatever they encode.
const sqlASCII = "SQL_ASCII"

// settleClientEncoding runs on every new connection. A database in a real
// encoding (LATIN1, WIN1252, EUC_JP, ...) is read with client_encoding UTF8,
// so that the server converts its text with its own tables; a byte
// sequence they have no character for fails the query, naming the bytes,
// rather than arrive as something else. A SQL_ASCII database has nothing
// to convert from: it is read with client_encoding SQL_ASCII, so that its
// bytes arrive as stored and keyset bounds made of them go back unchecked.
func settleClientEncoding(ctx context.Context, conn *pgx.Conn) error {
	want := "UTF8"
	if conn.PgConn().ParameterStatus("server_encoding") == sqlASCII {
		want = sqlASCII
	}
	if conn.PgConn().ParameterStatus("client_encoding") == want {
		return nil
	}
	if _, err := conn.Exec(ctx, "SET client_encoding TO '"+want+"'"); err != nil {
		return fmt.Errorf("set client_encoding to %s: %w", want, err)
	}
	return nil
}

// DeclareEncoding makes the source read the text of a SQL_ASCII database
// as stored in the named encoding (charset.Lookup), which the database
// does not record: its text columns get it as their Charset and their
// values convert strictly. A database in a real encoding takes none.
func (s *Source) DeclareEncoding(ctx context.Context, name string) error {
	enc, ok := charset.Lookup(name)
	if !ok {
		return errors.New("unknown encoding")
	}
	var server string
	if err := s.pool.QueryRow(ctx, "SELECT current_setting('server_encoding')").Scan(&server); err != nil {
		return classify(fmt.Errorf("read the database's encoding: %w", err))
	}
	if server != sqlASCII {
		return fmt.Errorf("the database's encoding is %s, which PostgreSQL converts itself: declare no encoding", server)
	}
	s.enc = enc
	return nil
}

// textual reports the kinds whose values the source yields as text.
func textual(k sluice.Kind) bool {
	switch k {
	case sluice.KindString, sluice.KindText, sluice.KindEnum, sluice.KindJSON, sluice.KindOther:
		return true
	}
	return false
}

// markCharsets gives the text columns the declared encoding, and converts
// the labels of an enum, stored in it too.
func (s *Source) markCharsets(cols []tableColumn) {
	if s.enc == nil {
		return
	}
	for i := range cols {
		c := &cols[i].Column
		if !textual(c.Type.Kind) {
			continue
		}
		c.Charset = s.enc.Name()
		for j, label := range c.Type.Values {
			if text, err := s.enc.Decode([]byte(label)); err == nil {
				c.Type.Values[j] = text
			}
		}
	}
}

// decoders returns, for each named column, the encoding its values convert
// from, or nil.
func (s *Source) decoders(names []string, types map[string]sluice.Type) []*charset.Encoding {
	decs := make([]*charset.Encoding, len(names))
	if s.enc == nil {
		return decs
	}
	for i, name := range names {
		if t, ok := types[name]; ok && textual(t.Kind) {
			decs[i] = s.enc
		}
	}
	return decs
}

// decode converts a text value from enc, or makes it an Undecodable.
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

// encodeBounds turns key values read with an encoding back into the text
// they were read from: a decoded string converted back, an Undecodable its
// bytes. Nil stays nil.
func encodeBounds(bound []any, decs []*charset.Encoding) ([]any, error) {
	if bound == nil {
		return nil, nil
	}
	out := make([]any, len(bound))
	for i, v := range bound {
		out[i] = v
		if i >= len(decs) || decs[i] == nil {
			continue
		}
		switch x := v.(type) {
		case string:
			b, err := decs[i].Encode(x)
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
