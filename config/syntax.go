package config

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

var yamlLine = regexp.MustCompile(`^(?:yaml: )?(?:line (\d+): )?`)

// syntaxError turns an error of the YAML parser into an Error with its line.
func syntaxError(file string, data []byte, err error) *Error {
	var extra *extraDocument
	if errors.As(err, &extra) {
		return &Error{File: file, Line: extra.line, Msg: "invalid YAML: " + extra.Error()}
	}
	hint, msg := splitYAMLError(err)
	return &Error{File: file, Line: errorLine(data, hint, msg), Msg: "invalid YAML: " + msg}
}

// splitYAMLError splits "yaml: line 3: what" into 3 and "what".
func splitYAMLError(err error) (int, string) {
	text := err.Error()
	m := yamlLine.FindStringSubmatch(text)
	line, _ := strconv.Atoi(m[1])
	return line, text[len(m[0]):]
}

// errorLine finds the line of a syntax error: the first line at which the
// file, cut after it, fails with the same message. The parser's own line is
// often that of the enclosing block, before the culprit, and missing when the
// problem is on line 1 or in the encoding. It is a lower bound: the culprit
// is usually on it or the next line, else the search bisects the rest, which
// costs O(log n) parses.
func errorLine(data []byte, hint int, msg string) int {
	ends := lineEnds(data)
	fails := func(k int) bool {
		err := parseAll(data[:ends[k-1]])
		if err == nil {
			return false
		}
		_, m := splitYAMLError(err)
		return m == msg
	}
	last := len(ends) // the whole file fails
	good := min(max(hint, 1), last) - 1
	for ; good < last && good < hint+1; good++ {
		if fails(good + 1) {
			return good + 1
		}
	}
	bad := last
	for bad-good > 1 {
		mid := good + (bad-good)/2
		if fails(mid) {
			bad = mid
		} else {
			good = mid
		}
	}
	return bad
}

// lineEnds returns the offset just past each line; the last is len(data).
func lineEnds(data []byte) []int {
	var ends []int
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		ends = append(ends, off)
	}
	if len(ends) == 0 || ends[len(ends)-1] < len(data) {
		ends = append(ends, len(data))
	}
	return ends
}

// parseAll parses every document in data, for the error of the first bad one.
func parseAll(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}
