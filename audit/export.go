package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Export writes the whole audit trail to w as JSON lines, one entry per line
// in seq order, each the canonical JSON of all its fields: at, details, hash,
// host, operation, os_user, prev_hash, run_id, seq and signature ("" when
// unsigned). VerifyLines checks such a file offline. A tampered row is
// exported as it is, as evidence.
func Export(ctx context.Context, q Querier, w io.Writer) error {
	out := bufio.NewWriter(w)
	if err := exportRows(ctx, q, out); err != nil {
		return fmt.Errorf("export the audit trail: %w", err)
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("export the audit trail: %w", err)
	}
	return nil
}

func exportRows(ctx context.Context, q Querier, out *bufio.Writer) error {
	rows, err := queryRange(ctx, q, 1, 0)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, details, err := scanRow(rows)
		if err != nil {
			return err
		}
		line, err := exportLine(e, details)
		if err != nil {
			return err
		}
		if _, err := out.Write(append(line, '\n')); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportLine encodes a row; details that do not parse as an entry's go out
// as stored (compacted), so that VerifyLines finds what Verify finds.
func exportLine(e Entry, detailsText string) ([]byte, error) {
	var details any = json.RawMessage(detailsText)
	if parsed, err := parseDetails(detailsText); err == nil {
		details = parsed
	}
	line, err := appendCanonical(nil, map[string]any{
		"at":        e.At.UTC().Format(timeLayout),
		"details":   details,
		"hash":      e.Hash,
		"host":      e.Host,
		"operation": e.Operation,
		"os_user":   e.OSUser,
		"prev_hash": e.PrevHash,
		"run_id":    json.Number(strconv.FormatInt(e.RunID, 10)),
		"seq":       json.Number(strconv.FormatInt(e.Seq, 10)),
		"signature": e.Signature,
	})
	if err != nil {
		return nil, fmt.Errorf("export entry %d: %w", e.Seq, err)
	}
	return line, nil
}

// VerifyLines verifies an exported file as Verify verifies the table, and
// gives the same report for the same entries (only the detail of an
// unreadable entry differs: it names the line). A line that is not an entry
// (broken JSON, a missing or unknown field) is reported as altered, lines
// out of seq order as reordered; only a failure to read r is an error.
// Blank lines are skipped.
//
// An export holds no sluice.runs, so o.CheckRuns is ignored, and no database
// identity: anchored heads are matched by their trail alone.
func VerifyLines(r io.Reader, o Options) (*Report, error) {
	o.CheckRuns, o.Runs, o.Database = false, nil, ""
	c := newChecker(o)
	in := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			e, perr := parseLine(line)
			if perr != nil {
				c.add(e, fmt.Sprintf("line %d: %v", n, perr))
			} else {
				c.add(e, "")
			}
		}
		if errors.Is(err, io.EOF) {
			return c.finish(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("verify audit lines: read line %d: %w", n, err)
		}
	}
}

// parseLine reads one exported line. On error it still returns what it
// could read of the entry (its seq, at least), so the report can place it.
func parseLine(line []byte) (Entry, error) {
	v, err := decodeJSON(line)
	if err != nil {
		return Entry{}, err
	}
	fields, ok := v.(map[string]any)
	if !ok {
		return Entry{}, errors.New("not a JSON object")
	}
	return lineEntry(fields)
}

// lineFields are the fields of an exported line.
var lineFields = []string{"at", "details", "hash", "host", "operation", "os_user", "prev_hash", "run_id", "seq", "signature"}

func lineEntry(fields map[string]any) (Entry, error) {
	var e Entry
	var errs []error
	e.Seq = lineInt(fields, "seq", &errs)
	e.RunID = lineInt(fields, "run_id", &errs)
	e.At = lineTime(fields, &errs)
	e.OSUser = lineString(fields, "os_user", &errs)
	e.Host = lineString(fields, "host", &errs)
	e.Operation = lineString(fields, "operation", &errs)
	e.PrevHash = lineString(fields, "prev_hash", &errs)
	e.Hash = lineString(fields, "hash", &errs)
	e.Signature = lineString(fields, "signature", &errs)
	e.Details = lineDetails(fields, &errs)
	if len(fields) != len(lineFields) {
		errs = append(errs, fmt.Errorf("%d fields instead of %d", len(fields), len(lineFields)))
	}
	return e, errors.Join(errs...)
}

func lineInt(fields map[string]any, name string, errs *[]error) int64 {
	n, ok := fields[name].(json.Number)
	if !ok {
		*errs = append(*errs, fmt.Errorf("%s is not a number", name))
		return 0
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %w", name, err))
	}
	return i
}

func lineString(fields map[string]any, name string, errs *[]error) string {
	s, ok := fields[name].(string)
	if !ok {
		*errs = append(*errs, fmt.Errorf("%s is not a string", name))
	}
	return s
}

func lineTime(fields map[string]any, errs *[]error) time.Time {
	t, err := time.Parse(time.RFC3339Nano, lineString(fields, "at", errs))
	if err != nil {
		*errs = append(*errs, fmt.Errorf("at: %w", err))
	}
	return t.UTC()
}

func lineDetails(fields map[string]any, errs *[]error) map[string]any {
	m, ok := fields["details"].(map[string]any)
	if !ok {
		*errs = append(*errs, errors.New("details is not an object"))
		return nil
	}
	normal, err := normalizeMap(m)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("details: %w", err))
	}
	return normal
}
