package lineage

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/plan"
)

// Option adjusts a trace.
type Option func(*tracer)

// WithSources lets a trace ask a source where a row is when its table is
// paged by something other than its key (a CSV file, by record number), so
// that it can name the row's chunk: the ledger bounds chunks by page key.
func WithSources(srcs map[string]sluice.Source) Option {
	return func(tr *tracer) { tr.srcs = srcs }
}

// legacySource lists the source columns the legacy key is made of.
func legacySource(t *plan.Table) []string {
	if c := roleColumn(t, plan.RoleLegacyKey); c != nil {
		return c.KeyColumns
	}
	cols, _ := legacyColumns(t)
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Source
	}
	return out
}

// pageParts turns a row's legacy key into the parts of its page key: the
// same parts when the table is paged by its key, else what the source says
// (sluice.Locator). ok is false, with a note, when the chunk cannot be told.
func (tr *tracer) pageParts(ctx context.Context, key string) (parts []string, ok bool, err error) {
	t := tr.t
	keyCols := legacySource(t)
	if len(t.Key) == 0 || slices.Equal(keyCols, t.Key) {
		parts, ok = SplitKey(key, len(t.Key))
		if !ok && len(t.Key) > 0 {
			tr.l.note("unknown chunk: the legacy key %q does not have the %d part(s) of the table's key", key, len(t.Key))
		}
		return parts, ok || len(t.Key) == 0, nil
	}
	loc, can := tr.srcs[t.Source].(sluice.Locator)
	if !can {
		tr.l.note("unknown chunk: %s is read by (%s), not by its key (%s), and the source cannot say where the row is", t.ID, strings.Join(t.Key, ", "), strings.Join(keyCols, ", "))
		return nil, false, nil
	}
	page, found, err := loc.Locate(ctx, sluice.LocateRequest{Table: t.SourceTable, Key: keyCols, Text: key, Page: t.Key})
	if err != nil {
		return nil, false, fmt.Errorf("locate %s key %s in the source: %w", t.ID, key, err)
	}
	if !found {
		tr.l.note("unknown chunk: the source no longer holds key %s of %s", key, t.ID)
		return nil, false, nil
	}
	tr.l.Source.PageCols, tr.l.Source.Page = t.Key, sluice.KeyText(page)
	parts, ok = SplitKey(tr.l.Source.Page, len(t.Key))
	return parts, ok, nil
}

// keyColumns names the source columns of the legacy key, or the page key
// where the table keeps none (a table read by a row id).
func keyColumns(t *plan.Table) []string {
	if cols := legacySource(t); len(cols) > 0 {
		return cols
	}
	return t.Key
}
