package cast

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sluicedb/sluice"
)

// toText converts to text, varchar(n) or char(n). The text must be valid
// UTF-8 without NUL bytes, as PostgreSQL stores neither, and no longer than n
// characters: it is never re-encoded, stripped or cut.
func toText(from sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			var err error
			if s, err = asText(v, from, t); err != nil {
				return nil, err
			}
			v = s
		}
		if err := validText(s); err != nil {
			return nil, err
		}
		if err := fitsLength(s, t); err != nil {
			return nil, err
		}
		return v, nil // the caller's own value: no copy, no allocation
	}
}

// validText rejects what PostgreSQL cannot store in text.
func validText(s string) error {
	if !utf8.ValidString(s) {
		return rejectf("invalid UTF-8 at byte %d", invalidAt(s))
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		return rejectf("NUL byte at byte %d", i)
	}
	return nil
}

func invalidAt(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return len(s)
}

// fitsLength counts characters, as varchar(n) and char(n) do.
func fitsLength(s string, t target) error {
	if t.n < 0 || len(s) <= t.n {
		return nil
	}
	if c := utf8.RuneCountInString(s); c > t.n {
		return rejectf("%d characters, %s holds %d", c, t.ddl, t.n)
	}
	return nil
}

// asText writes a non-text value the way the source engine would show it.
func asText(v any, from sluice.Type, t target) (string, error) {
	if s, ok := integerText(v); ok {
		return s, nil
	}
	switch x := v.(type) {
	case []byte:
		return string(x), nil
	case float64:
		// A single-precision source value arrives as its exact double
		// (0.10000000149011612); it reads as the float it is (0.1).
		if from.Kind == sluice.KindFloat && from.Bits == 32 && float64(float32(x)) == x {
			return strconv.FormatFloat(x, 'g', -1, 32), nil
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		return timeText(x, from.Kind), nil
	case [16]byte:
		return uuid.UUID(x).String(), nil
	case sluice.Geometry:
		return geometryText(x, t)
	case pgtype.Numeric:
		n, err := pgNumber(x, t)
		return n.text, err
	case fmt.Stringer:
		return x.String(), nil
	}
	return "", unsupported(v, t)
}

func timeText(x time.Time, kind sluice.Kind) string {
	switch kind {
	case sluice.KindDate:
		return x.UTC().Format(time.DateOnly)
	case sluice.KindTimestampTZ:
		return x.UTC().Format("2006-01-02 15:04:05.999999999Z07:00")
	}
	return x.UTC().Format("2006-01-02 15:04:05.999999999")
}
