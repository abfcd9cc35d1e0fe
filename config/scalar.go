package config

import (
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"go.yaml.in/yaml/v3"
)

// scalar is a value after ${ENV} expansion.
type scalar struct {
	node     *yaml.Node // Value is the expanded text; ShortTag its YAML type
	raw      string     // the text as written in the file
	expanded bool       // raw held a ${...}
	fromEnv  bool       // the value holds a variable's value, which is never shown
}

// got shows the value in a message.
func (s scalar) got() string {
	if s.fromEnv {
		return quote(s.raw) + " (after expansion)"
	}
	return describe(s.node)
}

// shown quotes the value of f, decoded as value, for a message. A value that
// came from the environment is shown as written, never expanded: variables
// may hold secrets.
func shown(f field, value string) string {
	if strings.Contains(f.node.Value, "${") {
		return quote(f.node.Value) + " (after expansion)"
	}
	return quote(value)
}

// scalar expands a scalar value. An expanded value is typed as if its result
// had been written plainly in the file, so `workers: ${WORKERS:-4}` is an
// integer.
func (d *decoder) scalar(f field, want string) (scalar, bool) {
	n := f.node
	if n.Kind != yaml.ScalarNode {
		d.fail(f.line, f.path, "expected %s, got %s", want, describe(n))
		return scalar{}, false
	}
	if !strings.Contains(n.Value, "${") {
		return scalar{node: n, raw: n.Value}, true
	}
	value, fromEnv, problems := expand(n.Value, d.env)
	for _, p := range problems {
		d.fail(f.line, f.path, "%s", p)
	}
	plain := &yaml.Node{Kind: yaml.ScalarNode, Value: value, Line: n.Line, Column: n.Column}
	return scalar{node: plain, raw: n.Value, expanded: true, fromEnv: fromEnv}, len(problems) == 0
}

// str decodes a string. Any scalar is taken as its text (name: 2024 is
// "2024"); only an empty value is refused, and "" too unless allowEmpty.
func (d *decoder) str(f field, allowEmpty bool) (string, bool) {
	s, ok := d.scalar(f, "a string")
	if !ok {
		return "", false
	}
	if !s.expanded && isNull(s.node) {
		d.fail(f.line, f.path, "expected a string, got nothing")
		return "", false
	}
	if s.node.Value == "" && !allowEmpty {
		d.fail(f.line, f.path, "must not be empty")
		return "", false
	}
	return s.node.Value, true
}

// boolean decodes true or false.
func (d *decoder) boolean(f field) (bool, bool) {
	s, ok := d.scalar(f, "true or false")
	if !ok {
		return false, false
	}
	var b bool
	if s.node.ShortTag() != "!!bool" || s.node.Decode(&b) != nil {
		d.fail(f.line, f.path, "expected true or false, got %s", s.got())
		return false, false
	}
	return b, true
}

// integer decodes an integer in lo..hi.
func (d *decoder) integer(f field, lo, hi int64) (int, bool) {
	s, ok := d.scalar(f, "an integer")
	if !ok {
		return 0, false
	}
	var v int64
	if s.node.ShortTag() != "!!int" || s.node.Decode(&v) != nil {
		d.fail(f.line, f.path, "expected an integer, got %s", s.got())
		return 0, false
	}
	if v < lo || v > hi {
		got := strconv.FormatInt(v, 10)
		if s.fromEnv {
			got = s.got()
		}
		d.fail(f.line, f.path, "must be between %d and %d, got %s", lo, hi, got)
		return 0, false
	}
	return int(v), true
}

// enum decodes one of a fixed set of words.
func (d *decoder) enum(f field, allowed []string) (string, bool) {
	list := strings.Join(allowed, ", ")
	s, ok := d.scalar(f, "one of "+list)
	if !ok {
		return "", false
	}
	v := s.node.Value
	if !s.expanded && isNull(s.node) {
		// A documented value "null" written unquoted is YAML's null, not
		// nothing: take it as the word it is.
		if v != "" && v != "~" && slices.Contains(allowed, strings.ToLower(v)) {
			return strings.ToLower(v), true
		}
		d.fail(f.line, f.path, "expected one of %s, got nothing", list)
		return "", false
	}
	if slices.Contains(allowed, v) {
		return v, true
	}
	hint := ""
	if !s.fromEnv {
		hint = didYouMean(v, allowed)
	}
	d.fail(f.line, f.path, "unknown value %s%s (allowed: %s)", s.got(), hint, list)
	return "", false
}

// uuidValue decodes a UUID such as a key namespace.
func (d *decoder) uuidValue(f field) (uuid.UUID, bool) {
	s, ok := d.scalar(f, "a UUID")
	if !ok {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(s.node.Value)
	if err != nil {
		d.fail(f.line, f.path, "expected a UUID, got %s", s.got())
		return uuid.Nil, false
	}
	if id == uuid.Nil {
		d.fail(f.line, f.path, "must not be the nil UUID")
		return uuid.Nil, false
	}
	return id, true
}
