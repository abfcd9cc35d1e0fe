package cast

import (
	"github.com/google/uuid"
	"github.com/sluicedb/sluice"
)

// toUUID converts to uuid, as [16]byte: 16 raw bytes (a MySQL BINARY(16)), or
// text in any form uuid.Parse knows (with or without hyphens, braces, urn:uuid:).
func toUUID(_ sluice.Type, t target, _ Options) Func {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case [16]byte:
			return x, nil
		case uuid.UUID:
			return [16]byte(x), nil
		case string:
			return uuidFromText(x)
		case []byte:
			if len(x) == 16 {
				return [16]byte(x), nil
			}
			return uuidFromText(string(x))
		}
		return nil, unsupported(v, t)
	}
}

func uuidFromText(s string) (any, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return nil, rejectf("%s is not a UUID", quote(s))
	}
	return [16]byte(u), nil
}
