package sluice

import (
	"net/url"
	"regexp"
	"strings"
)

// RedactURL hides the password of a database URL so that it can be printed in
// logs, errors, plans and the audit log. Text that does not parse as a URL is
// scrubbed of anything that looks like "user:password@".
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return userinfo.ReplaceAllString(raw, "$1:xxxxx@")
	}
	if u.User == nil && !hasPasswordParam(u) {
		return userinfo.ReplaceAllString(raw, "$1:xxxxx@")
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	redactPasswordParams(u)
	return u.String()
}

// passwordParams are query parameters that carry a password: SQL Server
// URLs may give it as ?password= (or pwd=) instead of in the user info.
var passwordParams = []string{"password", "pwd"}

func hasPasswordParam(u *url.URL) bool {
	for name := range u.Query() {
		if isPasswordParam(name) {
			return true
		}
	}
	return false
}

func isPasswordParam(name string) bool {
	for _, p := range passwordParams {
		if strings.EqualFold(name, p) {
			return true
		}
	}
	return false
}

func redactPasswordParams(u *url.URL) {
	q := u.Query()
	changed := false
	for name := range q {
		if isPasswordParam(name) {
			q.Set(name, "xxxxx")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
}

// userinfo finds "user:password@" in free text; the password part may hold
// spaces but not the quotes, slashes or line breaks that end a URL in a
// message, so a password is hidden even when the URL did not parse.
var userinfo = regexp.MustCompile("([A-Za-z0-9_.\\-]+):[^@/\n\"'`]+@")
