// Package dburl says what is wrong with a database URL before anything
// tries to connect with it: a port out of range, a bad percent escape, an
// unclosed IPv6 bracket. Go's url.Parse stops at the first problem with a
// terse message that repeats the URL, password included; the engines would
// then report "unsupported URL" or a failed connection instead of the typo.
package dburl

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is a URL that cannot be right. Problem never holds the password.
type Error struct {
	Problem string
}

func (e *Error) Error() string { return e.Problem }

func fail(format string, args ...any) error {
	return &Error{Problem: fmt.Sprintf(format, args...)}
}

// Check checks a URL of a network engine (mysql, mariadb, postgres,
// postgresql, sqlserver): scheme://user:password@host:port/path?params.
// The URL of a file engine (sqlite:, csv:) is a path, which may hold any
// character, and is not checked here.
func Check(raw string) error {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || !network[strings.ToLower(scheme)] {
		return nil
	}
	scheme = strings.ToLower(scheme)
	rest, ok = strings.CutPrefix(rest, "//")
	if !ok {
		return fail("want %s://user:password@host:port/%s", scheme, pathWord(scheme))
	}
	authority, tail := splitAuthority(rest)
	if err := checkAuthority(scheme, authority); err != nil {
		return err
	}
	path, query, _ := strings.Cut(tail, "?")
	query, _, _ = strings.Cut(query, "#")
	if bad := badEscape(path); bad != "" {
		return escapeError(bad, "the "+pathWord(scheme))
	}
	if bad := badEscape(query); bad != "" {
		return escapeError(bad, "the parameters")
	}
	return nil
}

var network = map[string]bool{"mysql": true, "mariadb": true, "postgres": true, "postgresql": true, "sqlserver": true}

func pathWord(scheme string) string {
	if scheme == "sqlserver" {
		return "instance"
	}
	return "database"
}

// splitAuthority cuts user info and host from the path and parameters.
func splitAuthority(rest string) (authority, tail string) {
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return rest[:i], rest[i:]
	}
	return rest, ""
}

func checkAuthority(scheme, authority string) error {
	hosts := authority
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		if err := checkUserInfo(authority[:at]); err != nil {
			return err
		}
		hosts = authority[at+1:]
	}
	list := []string{hosts}
	if strings.HasPrefix(scheme, "postgres") {
		list = strings.Split(hosts, ",") // libpq takes several hosts
	}
	for _, h := range list {
		if err := checkHostPort(h); err != nil {
			return err
		}
	}
	return nil
}

// checkUserInfo never quotes the password, not even the bad escape in it.
func checkUserInfo(info string) error {
	user, password, hasPassword := strings.Cut(info, ":")
	if bad := badEscape(user); bad != "" {
		return escapeError(bad, "the user name")
	}
	if hasPassword && badEscape(password) != "" {
		return fail("invalid percent escape in the password (a %% must be followed by two hex digits; write %%25 for a %% itself)")
	}
	return nil
}

func checkHostPort(hostport string) error {
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		end := strings.Index(hostport, "]")
		if end < 0 {
			return fail("unclosed [ in the host %q: write an IPv6 address as [::1]:port", hostport)
		}
		host, port = hostport[:end+1], strings.TrimPrefix(hostport[end+1:], ":")
		if rest := hostport[end+1:]; rest != "" && !strings.HasPrefix(rest, ":") {
			return fail("%q after the IPv6 address %s: want [address]:port", rest, host)
		}
	} else if i := strings.LastIndex(hostport, ":"); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
	}
	if bad := badEscape(host); bad != "" {
		return escapeError(bad, "the host")
	}
	return checkPort(port)
}

func checkPort(port string) error {
	if port == "" {
		return nil
	}
	n, err := strconv.Atoi(port)
	switch {
	case err != nil && strings.Trim(port, "0123456789") == "":
		return fail("port %q is out of range: must be 1-65535", port)
	case err != nil:
		return fail("port %q is not a number: must be 1-65535", port)
	case n < 1 || n > 65535:
		return fail("port %q is out of range: must be 1-65535", port)
	}
	return nil
}

// badEscape returns the first % in s not followed by two hex digits, with
// what follows it (up to two characters), or "".
func badEscape(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			i += 2
			continue
		}
		return s[i:min(i+3, len(s))]
	}
	return ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func escapeError(bad, where string) error {
	return fail("invalid percent escape %q in %s (a %% must be followed by two hex digits; write %%25 for a %% itself)", bad, where)
}
