package config

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/sluicedb/sluice"

	"go.yaml.in/yaml/v3"
)

// decoder walks the YAML tree of one file and collects every problem instead
// of stopping at the first, so a user fixes the whole file in one pass.
type decoder struct {
	file string
	env  func(string) (string, bool)
	errs Errors
	// sources is the set of declared source names; nil when the sources
	// section is unusable, so that tables do not each repeat that problem.
	sources map[string]bool
	// csvSources is the set of sources whose URL is csv:; nil with sources.
	csvSources map[string]bool
	// targetNames is the set of declared target databases, nil likewise.
	targetNames map[string]bool
	// badStrategy is set when defaults.strategy is invalid, so that the
	// checks that depend on the default strategy say nothing.
	badStrategy bool
}

func (d *decoder) fail(line int, key, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// sorted orders the problems by line; problems on one line keep the order found.
// Sorted orders es by line, in place, and returns it: problems found in
// several passes are reported as one list.
func (es Errors) Sorted() Errors { return es.sorted() }

func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
	return es
}

// join appends a key to a dotted path. Keys are redacted like values: a
// URL written where a name belongs must not leak its password.
func join(path, key string) string {
	key = sluice.RedactURL(key)
	if path == "" {
		return key
	}
	return path + "." + key
}

// quote shows a key or value of the file in a message, in quotes, with any
// password it holds hidden.
func quote(s string) string {
	return strconv.Quote(sluice.RedactURL(s))
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{}
	}
	return n
}

// isNull reports an absent or empty value ("key:" with nothing after it, or ~).
func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what a node is, for "expected X, got Y".
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing"
	default:
		return quote(n.Value)
	}
}
