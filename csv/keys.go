package csvsrc

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
)

// A file does not enforce the key the config declares for it. Before the
// load, CheckKey finds the records whose key another record holds, as
// PostgreSQL compares the typed values (integers "7" and "07", decimals
// "1.5" and "1.50" are one key), so that bad_keys: reject turns them into
// rejects instead of the primary key failing after the load. Memory stays
// bounded whatever the file's size: each key's 128-bit hash and record
// number go into sorted runs, spilled to a temporary directory of this
// process's own and merged. (Two different keys share a hash with a
// probability far below one in 10^18.) A record whose key is NULL or does
// not fit its type is rejected by the load anyway and is not counted here.

// runEntries is how many keys a run holds in memory (24 bytes each).
var runEntries = 1 << 20

// dupExamples is how many duplicated keys a report names.
const dupExamples = 5

// CheckKey reports the records of a table whose declared primary key
// another record holds, by record number.
func (s *Source) CheckKey(ctx context.Context, req sluice.KeyCheck) (sluice.KeyReport, error) {
	var rep sluice.KeyReport
	t, err := s.table(req.Table)
	if err != nil {
		return rep, err
	}
	what := s.name + "." + req.Table
	if req.Where != "" {
		return rep, fmt.Errorf("check the key of %s: %w", what, ErrFilter)
	}
	if err := t.prepare(); err != nil {
		return rep, fmt.Errorf("check the key of %s: %w", what, err)
	}
	cols, err := t.columnIndexes(req.Key)
	if err != nil {
		return rep, fmt.Errorf("check the key of %s: %w", what, err)
	}
	runs := &keyRuns{}
	defer runs.remove()
	if err := t.eachKey(ctx, cols, func(k string, no int64) error { return runs.add(keyHash(k), no) }, true); err != nil {
		return rep, fmt.Errorf("check the key of %s: %w", what, err)
	}
	dups, first, err := runs.duplicates(max(req.Limit, 1), &rep.Duplicates)
	if err != nil {
		return rep, fmt.Errorf("check the key of %s: %w", what, err)
	}
	for _, no := range dups {
		rep.DupRows = append(rep.DupRows, []any{no})
	}
	if rep.DupKeys, err = t.keysAt(ctx, cols, first); err != nil {
		return rep, fmt.Errorf("check the key of %s: %w", what, err)
	}
	return rep, nil
}

// eachKey calls fn with the text of each record's key and its record
// number, for the records whose key can load: as PostgreSQL compares keys
// when canonical is set, else as sluice.KeyText writes the values.
func (t *table) eachKey(ctx context.Context, cols []int, fn func(key string, no int64) error, canonical bool) error {
	c, err := t.acquire(0)
	if err != nil {
		return err
	}
	defer t.release(c, false)
	for {
		if c.next%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := c.sc.next()
		if errors.Is(err, io.EOF) {
			c.eof = true
			t.setTotal(c.next - 1)
			return nil
		}
		if err != nil {
			return err
		}
		no := c.next
		c.next++
		if key, ok := t.keyText(rec, cols, canonical); ok {
			if err := fn(key, no); err != nil {
				return err
			}
		}
	}
}

// keyText is the key of a well-formed record as PostgreSQL compares it;
// false when the load rejects the record anyway (a value of any column that
// does not fit its type), so that such a record does not make another one
// with its key a duplicate.
func (t *table) keyText(rec *record, cols []int, canonical bool) (string, bool) {
	if t.malformed(rec) != "" {
		return "", false
	}
	for i := range t.cols {
		if _, bad := t.value(rec, i).(sluice.Invalid); bad {
			return "", false
		}
	}
	vals := make([]any, len(cols))
	for i, ci := range cols {
		v := t.value(rec, ci)
		if _, bad := v.(sluice.Invalid); bad || v == nil {
			return "", false
		}
		if canonical && t.cols[ci].typ.Kind == sluice.KindDecimal {
			v = canonicalDecimal(v.(string))
		}
		vals[i] = v
	}
	return sluice.KeyText(vals), true
}

// canonicalDecimal writes a decimal text as numeric compares it: without
// leading zeros, trailing fraction zeros or a sign on zero; an exponent
// form is left as it is.
func canonicalDecimal(s string) string {
	if strings.ContainsAny(s, "eE") {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(s, ".")
	whole, frac = strings.TrimLeft(whole, "0"), strings.TrimRight(frac, "0")
	if whole == "" {
		whole = "0"
	}
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}

type hash128 [16]byte

func keyHash(k string) hash128 {
	sum := sha256.Sum256([]byte(k))
	return hash128(sum[:16])
}

// keysAt reads the key texts of the given records, in a second pass that
// ends at the last of them.
func (t *table) keysAt(ctx context.Context, cols []int, nos []int64) ([]string, error) {
	if len(nos) == 0 {
		return nil, nil
	}
	last := slices.Max(nos)
	want := map[int64]bool{}
	for _, n := range nos {
		want[n] = true
	}
	var out []string
	stop := errors.New("stop")
	err := t.eachKey(ctx, cols, func(k string, no int64) error {
		if want[no] {
			out = append(out, k)
		}
		if no >= last {
			return stop
		}
		return nil
	}, true)
	if err != nil && !errors.Is(err, stop) {
		return nil, err
	}
	return out, nil
}
