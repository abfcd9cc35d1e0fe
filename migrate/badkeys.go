package migrate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/transform"
)

// A key that cannot be the primary key is caught before the load, not when
// the key is built after it: the source is asked (sluice.KeyChecker) for the
// tables the plan marks (plan.Table.BadKeys, SQLite keys that are not the
// row id). bad_keys: reject turns the rows with a NULL or duplicate key into
// rejects and keeps the key; bad_keys: load loads every row and builds no
// primary key, which the summary, the table's state and verification report.

// maxDupRows bounds the duplicate rows a reject load holds in memory by key.
const maxDupRows = 100_000

// keyCheck is what the source said of a table's primary key.
type keyCheck struct {
	mode    string // config.BadKeys*
	report  sluice.KeyReport
	cols    []string // the key's source columns
	targets []string // the key's target columns, for rejects
	pos     []int    // the key's source columns in ReadColumns
	dups    map[string]bool
}

// checkKeys asks the source about the table's key when the plan says its
// engine does not guarantee it, and prepares the job for what it found.
func (r *runner) checkKeys(ctx context.Context, j *job) error {
	t := j.table
	kc, ok := r.srcs[t.Source].(sluice.KeyChecker)
	cols := sourceKey(t)
	if t.BadKeys == "" || !ok || len(cols) == 0 {
		return nil
	}
	var rep sluice.KeyReport
	err := r.retry(ctx, t.ID, func() (err error) {
		rep, err = kc.CheckKey(ctx, sluice.KeyCheck{Table: t.SourceTable, Key: cols, Page: t.Key, Where: t.Where, Limit: maxDupRows})
		return err
	})
	if err != nil {
		return fmt.Errorf("check the primary key of %s: %w", t.ID, err)
	}
	if rep.Clean() {
		return nil
	}
	c := &keyCheck{mode: t.BadKeys, report: rep, cols: cols, targets: t.PrimaryKey}
	if c.mode == config.BadKeysLoad {
		j.keyless = c.describe() + "; loaded without its primary key (bad_keys: load)"
		r.opt.Observer.Phase(fmt.Sprintf("%s: %s", t.ID, j.keyless))
		return nil
	}
	if err := c.prepareReject(t); err != nil {
		return fmt.Errorf("check the primary key of %s: %w", t.ID, err)
	}
	j.keys = c
	r.opt.Observer.Phase(fmt.Sprintf("%s: %s; those rows are rejected (bad_keys: reject)", t.ID, c.describe()))
	return nil
}

// prepareReject indexes what reject needs to recognise a bad row as it is read.
func (c *keyCheck) prepareReject(t *plan.Table) error {
	if int64(len(c.report.DupRows)) < c.report.Duplicates || (c.report.Duplicates > 0 && len(t.Key) == 0) {
		return fmt.Errorf("%d rows share a primary key, more than can be rejected one by one (%d): set bad_keys: load, or correct the source", c.report.Duplicates, maxDupRows)
	}
	for _, col := range c.cols {
		i := slices.Index(t.ReadColumns, col)
		if i < 0 {
			return fmt.Errorf("key column %s is not read", col)
		}
		c.pos = append(c.pos, i)
	}
	c.dups = make(map[string]bool, len(c.report.DupRows))
	for _, k := range c.report.DupRows {
		c.dups[sluice.KeyText(k)] = true
	}
	return nil
}

// describe says what is wrong with the key, naming some of the keys.
func (c *keyCheck) describe() string {
	var parts []string
	if n := c.report.Nulls; n > 0 {
		parts = append(parts, fmt.Sprintf("%d rows have a NULL in the primary key (%s)", n, strings.Join(c.cols, ", ")))
	}
	if n := c.report.Duplicates; n > 0 {
		parts = append(parts, fmt.Sprintf("%d rows share a primary key value with another row, as PostgreSQL compares them (e.g. %s)", n, strings.Join(c.report.DupKeys, "; ")))
	}
	return strings.Join(parts, ", and ")
}

// reject returns the reject of a row that cannot have the key, or nil.
func (c *keyCheck) reject(vals, page []any) *transform.Reject {
	key := make([]any, len(c.pos))
	for i, p := range c.pos {
		key[i] = vals[p]
	}
	what := strings.Join(c.targets, ", ")
	for i, v := range key {
		if v == nil {
			return &transform.Reject{Column: what, Raw: keyRaw(key), Reason: "primary key column " + c.cols[i] + " is NULL (bad_keys: reject)"}
		}
	}
	if c.dups[sluice.KeyText(page)] {
		return &transform.Reject{Column: what, Raw: keyRaw(key),
			Reason: "another source row has the same primary key, as PostgreSQL compares it (bad_keys: reject)"}
	}
	return nil
}

func keyRaw(key []any) any {
	if len(key) == 1 {
		return key[0]
	}
	return sluice.KeyText(key)
}

// sourceKey lists the source columns of the table's primary key: the
// columns of its values, or those a row uuid is computed from.
func sourceKey(t *plan.Table) []string {
	var cols []string
	for _, name := range t.PrimaryKey {
		for _, c := range t.Columns {
			if c.Name != name {
				continue
			}
			switch c.Role {
			case plan.RoleValue:
				cols = append(cols, c.Source)
			case plan.RoleRowUUID:
				cols = append(cols, c.KeyColumns...)
			}
		}
	}
	return cols
}

// withoutKey is t as bad_keys: load builds it: no primary key, and the
// unique indexes over the key (the legacy key of a uuid table) are left out.
func withoutKey(t *plan.Table) *plan.Table {
	out := *t
	out.PrimaryKey, out.Indexes = nil, nil
	key := slices.Clone(t.PrimaryKey)
	for _, c := range t.Columns {
		if c.Role == plan.RoleLegacyKey {
			key = append(key, c.Name)
		}
	}
	for _, ix := range t.Indexes {
		if !ix.Unique || !slices.ContainsFunc(ix.Columns, func(col string) bool { return slices.Contains(key, col) }) {
			out.Indexes = append(out.Indexes, ix)
		}
	}
	return &out
}

// keylessFinding reports the findings that a table loaded without its key
// is expected to have: its key holds NULLs or duplicates (level 2), and its
// key columns are not NOT NULL (level 4).
func keylessFinding(t *plan.Table, level int, check, column string) bool {
	return level == 2 || (level == 4 && check == "not null" && slices.Contains(t.PrimaryKey, column))
}
