package cast

import (
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgtype"
)

// pgCodec reads PostgreSQL's text form of one type with pgx's own codec, into
// the Go value pgx uses for it, so that binary COPY encodes exactly what the
// PostgreSQL source held. A pgtype.Map caches plans and is not safe for
// concurrent use: the mutex makes the Func that holds it safe.
type pgCodec struct {
	mu  sync.Mutex
	m   *pgtype.Map
	typ *pgtype.Type
}

func newPGCodec(name string) (*pgCodec, error) {
	m := pgtype.NewMap()
	typ, ok := m.TypeForName(name)
	if !ok {
		return nil, fmt.Errorf("unknown type")
	}
	return &pgCodec{m: m, typ: typ}, nil
}

// decode reads text into the type's own Go value and proves that it encodes.
func (c *pgCodec) decode(s string) (any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.typ.Codec.DecodeValue(c.m, c.typ.OID, pgtype.TextFormatCode, []byte(s))
	if err != nil {
		return nil, err
	}
	_, err = c.m.Encode(c.typ.OID, pgtype.BinaryFormatCode, v, nil)
	return v, err
}

// scan reads text into dst, such as a *pgtype.Array[any].
func (c *pgCodec) scan(s string, dst any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m.Scan(c.typ.OID, pgtype.TextFormatCode, []byte(s), dst)
}

// encodes reports whether binary COPY can send v as this type.
func (c *pgCodec) encodes(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.m.Encode(c.typ.OID, pgtype.BinaryFormatCode, v, nil)
	return err
}

// mapped converts to a type only pgx's Map knows (inet, point, int4range...):
// its text is decoded by pgx, any other value must already encode.
func mapped(t target) (Func, error) {
	c, err := newPGCodec(t.pg)
	if err != nil {
		return nil, err
	}
	return func(v any) (any, error) {
		switch x := v.(type) {
		case string:
			return c.fromText(x, t)
		case []byte:
			return c.fromText(string(x), t)
		}
		if err := c.encodes(v); err != nil {
			return nil, unsupported(v, t)
		}
		return v, nil
	}, nil
}

func (c *pgCodec) fromText(s string, t target) (any, error) {
	if err := validText(s); err != nil {
		return nil, err
	}
	v, err := c.decode(s)
	if err != nil {
		return nil, rejectf("%s is not a valid %s (%v)", quote(s), t.ddl, err)
	}
	return v, nil
}
