package plan

import (
	"strings"
	"unicode"
)

// starterURL writes a source or target URL into the starter file as given,
// except a literal password, which becomes ${<NAME>_PASSWORD}: the file is
// meant to be committed, and a password must never be printed. A password
// that already is a ${...} reference is kept.
func starterURL(name, raw string) (url, envVar string) {
	if u, env, ok := passwordParam(name, raw); ok {
		return u, env
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw, ""
	}
	// The host starts after the last "@" before the query: a password
	// holding "@" or "/" (unescaped, as people type them) is still replaced
	// whole; database names and paths do not hold "@".
	end := len(rest)
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		end = q
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return raw, ""
	}
	user, pass, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass || strings.HasPrefix(pass, "${") {
		return raw, ""
	}
	envVar = envName(name) + "_PASSWORD"
	return scheme + "://" + user + ":${" + envVar + "}" + rest[at:], envVar
}

// envName turns a source name into an environment variable prefix.
func envName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToUpper(r)
		}
		return '_'
	}, name)
}

// passwordParam replaces a password given as a query parameter (SQL Server
// URLs take ?password= or pwd=) with ${<NAME>_PASSWORD}.
func passwordParam(name, raw string) (string, string, bool) {
	base, query, ok := strings.Cut(raw, "?")
	if !ok {
		return raw, "", false
	}
	params := strings.Split(query, "&")
	envVar := envName(name) + "_PASSWORD"
	found := false
	for i, p := range params {
		key, value, _ := strings.Cut(p, "=")
		if k := strings.ToLower(key); (k == "password" || k == "pwd") && !strings.HasPrefix(value, "${") {
			params[i], found = key+"=${"+envVar+"}", true
		}
	}
	if !found {
		return raw, "", false
	}
	return base + "?" + strings.Join(params, "&"), envVar, true
}
