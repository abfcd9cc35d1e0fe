package sluice

import (
	"net/url"
	"regexp"
)

// RedactURL hides the password of a database URL so that it can be printed in
// logs, errors, plans and the audit log. Text that does not parse as a URL is
// scrubbed of anything that looks like "user:password@".
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return userinfo.ReplaceAllString(raw, "$1:xxxxx@")
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// userinfo finds "user:password@" in free text; the password part may hold
// spaces but not the quotes, slashes or line breaks that end a URL in a
// message, so a password is hidden even when the URL did not parse.
var userinfo = regexp.MustCompile("([A-Za-z0-9_.\\-]+):[^@/\n\"'`]+@")
