package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// headFields are the members of an anchored head's line.
var headFields = []string{"at", "database", "hash", "run", "runs", "seq", "signature", "trail"}

// headLine encodes h as a line of the anchor file: canonical JSON (as entries
// are, see the package documentation) and a newline.
func headLine(h Head) ([]byte, error) {
	num := func(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }
	line, err := appendCanonical(nil, map[string]any{
		"at": h.At.UTC().Format(timeLayout), "database": cleanString(h.Database), "hash": h.Hash,
		"run": num(h.RunID), "runs": num(h.Runs), "seq": num(h.Seq), "signature": h.Signature, "trail": h.Trail,
	})
	if err != nil {
		return nil, fmt.Errorf("encode head %d: %w", h.Seq, err)
	}
	return append(line, '\n'), nil
}

// parseHeadLines reads the lines of an anchor file. Blank lines are skipped;
// any other line that is not a head makes the whole file suspect.
func parseHeadLines(data []byte) ([]Head, error) {
	var heads []Head
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		h, err := parseHeadLine(line)
		if err != nil {
			return nil, &TamperError{Problem: Problem{Kind: DamagedAnchor,
				Detail: fmt.Sprintf("line %d of the anchor is not a head: %v", n+1, err)}}
		}
		heads = append(heads, h)
	}
	return heads, nil
}

func parseHeadLine(line []byte) (Head, error) {
	v, err := decodeJSON(line)
	if err != nil {
		return Head{}, err
	}
	fields, ok := v.(map[string]any)
	if !ok {
		return Head{}, errors.New("not a JSON object")
	}
	var errs []error
	h := Head{
		Database: lineString(fields, "database", &errs), Trail: lineString(fields, "trail", &errs),
		Seq: lineInt(fields, "seq", &errs), Hash: lineString(fields, "hash", &errs),
		Runs: lineInt(fields, "runs", &errs), RunID: lineInt(fields, "run", &errs),
		At: lineTime(fields, &errs), Signature: lineString(fields, "signature", &errs),
	}
	if len(fields) != len(headFields) {
		errs = append(errs, fmt.Errorf("%d fields instead of %d", len(fields), len(headFields)))
	}
	return h, errors.Join(errs...)
}
