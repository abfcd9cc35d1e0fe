package config

import (
	"regexp"
	"strings"
)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expand replaces ${NAME} and ${NAME:-fallback} in s with the environment's
// values; the fallback applies when NAME is unset or empty, as in the shell.
// It returns what went wrong, and whether the result holds a variable's
// value. The messages never contain a variable's value, nor the text around
// a reference, which may be a password written in the file.
func expand(s string, lookup func(string) (string, bool)) (out string, fromEnv bool, problems []string) {
	var b strings.Builder
	for {
		start := strings.Index(s, "${")
		if start < 0 {
			b.WriteString(s)
			return b.String(), fromEnv, problems
		}
		b.WriteString(s[:start])
		end := strings.IndexByte(s[start:], '}')
		if end < 0 {
			return b.String(), fromEnv, append(problems, `unterminated "${": write ${NAME} or ${NAME:-fallback}`)
		}
		value, env, problem := substitute(s[start+2:start+end], lookup)
		if problem != "" {
			problems = append(problems, problem)
		}
		fromEnv = fromEnv || env
		b.WriteString(value)
		s = s[start+end+1:]
	}
}

// substitute resolves the inside of one ${...}: its value, whether that
// came from the environment, or a problem.
func substitute(ref string, lookup func(string) (string, bool)) (value string, fromEnv bool, problem string) {
	name, fallback, hasFallback := strings.Cut(ref, ":-")
	if !identifier.MatchString(name) {
		return "", false, "invalid variable reference: write ${NAME} or ${NAME:-fallback}, NAME made of letters, digits and _"
	}
	value, set := lookup(name)
	switch {
	case set && (value != "" || !hasFallback):
		return value, true, ""
	case hasFallback:
		return fallback, false, ""
	default:
		return "", false, "environment variable " + name + " is not set (write ${" + name + ":-fallback} for a fallback)"
	}
}
