package audit

import (
	"fmt"

	"github.com/sluicedb/sluice"
)

// Scrub returns details as Append stores them: normalised to plain JSON
// values (see Entry.Details) with every string, keys included, passed through
// sluice.RedactURL, so that no password in a URL or in "user:password@" text
// reaches the audit trail. RedactURL errs on the side of hiding: text such as
// "a:b@c" loses its "b". Details that cannot be JSON (NaN, channels, numbers
// beyond 1e1000) are an error.
func Scrub(details map[string]any) (map[string]any, error) {
	normal, err := normalizeDetails(details)
	if err != nil {
		return nil, fmt.Errorf("scrub details: %w", err)
	}
	scrubbed, err := redactMap(normal)
	if err != nil {
		return nil, fmt.Errorf("scrub details: %w", err)
	}
	return scrubbed, nil
}

// redactAll redacts every string of a normalised value. RedactURL only
// replaces or escapes ASCII, so the result stays normalised.
func redactAll(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return sluice.RedactURL(x), nil
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			var err error
			if out[i], err = redactAll(item); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		return redactMap(x)
	}
	return v, nil
}

func redactMap(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, item := range m {
		key := sluice.RedactURL(k)
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("keys %q collide once redacted", key)
		}
		v, err := redactAll(item)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	return out, nil
}
