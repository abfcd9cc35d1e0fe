package csvsrc

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sluicedb/sluice"
)

var _ sluice.Locator = (*Source)(nil)

// Locate finds the record number of the first record whose key is
// req.Text, by reading the file until it: what names the chunk of a row
// of a table with a declared key, since the ledger bounds chunks by record
// number.
func (s *Source) Locate(ctx context.Context, req sluice.LocateRequest) ([]any, bool, error) {
	t, err := s.table(req.Table)
	if err != nil {
		return nil, false, err
	}
	if !slices.Equal(req.Page, []string{t.rowID()}) {
		return nil, false, fmt.Errorf("locate in %s: a CSV file is paged by its record number %s, not by %q", t.rel, t.rowID(), req.Page)
	}
	if err := t.prepare(); err != nil {
		return nil, false, fmt.Errorf("locate in %s: %w", t.rel, err)
	}
	cols, err := t.columnIndexes(req.Key)
	if err != nil {
		return nil, false, fmt.Errorf("locate in %s: %w", t.rel, err)
	}
	var at int64
	found := errors.New("found")
	err = t.eachKey(ctx, cols, func(key string, no int64) error {
		if key == req.Text {
			at = no
			return found
		}
		return nil
	}, false)
	switch {
	case errors.Is(err, found):
		return []any{at}, true, nil
	case err != nil:
		return nil, false, fmt.Errorf("locate in %s: %w", t.rel, err)
	}
	return nil, false, nil
}
