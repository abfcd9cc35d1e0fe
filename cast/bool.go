package cast

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

// toBool converts to boolean: a number 0 or 1, the texts 0/1/true/false/t/f
// in any case, or a single bit. Anything else (2, "yes", "") is rejected,
// since guessing a flag's meaning would change data.
func toBool(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case bool:
			return v, nil
		case string:
			return textBool(x)
		case []byte:
			return bytesBool(x)
		case pgtype.Bits:
			return bitsBool(x)
		case float64:
			return numberBool(x == 0, x == 1, strconv.FormatFloat(x, 'g', -1, 64))
		}
		if i, ok := asInt64(v); ok {
			return numberBool(i == 0, i == 1, strconv.FormatInt(i, 10))
		}
		if s, ok := integerText(v); ok {
			return numberBool(false, false, s)
		}
		return nil, unsupported(v, t)
	}
}

func numberBool(isFalse, isTrue bool, text string) (any, error) {
	if isFalse || isTrue {
		return isTrue, nil
	}
	return nil, rejectf("%s is not a boolean (0 or 1)", text)
}

func textBool(s string) (any, error) {
	switch strings.ToLower(s) {
	case "1", "true", "t":
		return true, nil
	case "0", "false", "f":
		return false, nil
	}
	return nil, rejectf("%s is not a boolean (0, 1, true, false, t or f)", quote(s))
}

// bytesBool reads a BIT(1) value, one byte 0 or 1.
func bytesBool(b []byte) (any, error) {
	if len(b) == 1 && b[0] <= 1 {
		return b[0] == 1, nil
	}
	return nil, rejectf("%s is not a boolean (one byte 0 or 1)", hexShown(b))
}

func bitsBool(b pgtype.Bits) (any, error) {
	if b.Len == 1 && len(b.Bytes) == 1 {
		return b.Bytes[0]&0x80 != 0, nil
	}
	return nil, rejectf("a bit string of %s is not a boolean (one bit)", plural(int(b.Len), "bit"))
}
