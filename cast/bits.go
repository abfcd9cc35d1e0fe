package cast

import (
	"math/big"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

// toBits converts to bit(n) or bit varying(n), as pgtype.Bits. Bytes (MySQL's
// BIT) and integers are numbers whose lowest bits are the bit string; text is
// the bit string itself, "0101".
func toBits(from sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case pgtype.Bits:
			return fitBits(x, t)
		case string:
			return bitsFromText(x, t)
		case []byte:
			return bitsFromNumber(new(big.Int).SetBytes(x), bytesWidth(from, x), hexShown(x), t)
		case bool:
			return bitsFromNumber(big.NewInt(boolInt(x)), 1, "", t)
		}
		if i, ok := asInt64(v); ok && i >= 0 && t.base == "bit" {
			return bitsFromNumber(big.NewInt(i), t.n, "", t)
		}
		return nil, unsupported(v, t)
	}
}

// bytesWidth is the width of a BIT(m) source, else eight bits a byte.
func bytesWidth(from sluice.Type, b []byte) int {
	if from.Kind == sluice.KindBit && from.Bits > 0 {
		return from.Bits
	}
	return 8 * len(b)
}

// bitsFromNumber writes x as a bit string of the target's width (bit(n)) or
// of the source's width (bit varying), most significant bit first.
func bitsFromNumber(x *big.Int, width int, shown string, t target) (any, error) {
	if shown == "" {
		shown = x.String()
	}
	if t.base == "bit" {
		width = t.n
	}
	if x.BitLen() > width || t.n >= 0 && width > t.n {
		return nil, rejectf("%s needs %s, %s holds %d", shown, plural(max(x.BitLen(), width), "bit"), t.ddl, t.n)
	}
	size := (width + 7) / 8
	x = new(big.Int).Lsh(x, uint(8*size-width))
	return pgtype.Bits{Bytes: x.FillBytes(make([]byte, size)), Len: int32(width), Valid: true}, nil
}

func bitsFromText(s string, t target) (any, error) {
	b := pgtype.Bits{Bytes: make([]byte, (len(s)+7)/8), Len: int32(len(s)), Valid: true}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '1':
			b.Bytes[i/8] |= 0x80 >> (i % 8)
		case '0':
		default:
			return nil, rejectf("%s is not a bit string", quote(s))
		}
	}
	return fitBits(b, t)
}

// fitBits checks a bit string's length: exactly n for bit(n), at most n for
// bit varying(n).
func fitBits(b pgtype.Bits, t target) (any, error) {
	n := int(b.Len)
	switch {
	case t.base == "bit" && n != t.n:
		return nil, rejectf("a bit string of %s, %s holds exactly %d", plural(n, "bit"), t.ddl, t.n)
	case t.n >= 0 && n > t.n:
		return nil, rejectf("a bit string of %s, %s holds %d", plural(n, "bit"), t.ddl, t.n)
	}
	return b, nil
}
