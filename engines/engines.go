// Package engines opens a source database by the scheme of its URL. It is
// the one place that knows every source engine, so the CLI and the tests
// that run whole migrations open sources the same way; the engine packages
// themselves never import each other.
package engines

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/postgres"
	"github.com/sluicedb/sluice/sqlite"
)

// ErrUnsupported is returned for a URL whose scheme no engine reads.
var ErrUnsupported = errors.New("unsupported URL (use mysql://, postgres:// or sqlite:)")

// Open opens the source called name at rawURL.
func Open(ctx context.Context, name, rawURL string) (sluice.Source, error) {
	switch Scheme(rawURL) {
	case "mysql":
		return mysql.Open(ctx, name, rawURL)
	case "postgres", "postgresql":
		return postgres.Open(ctx, name, rawURL)
	case "sqlite":
		return sqlite.Open(ctx, name, rawURL)
	}
	return nil, fmt.Errorf("source %s at %s: %w", name, sluice.RedactURL(rawURL), ErrUnsupported)
}

// Scheme is the lower-cased scheme of rawURL, or "" when it does not parse.
func Scheme(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return strings.ToLower(u.Scheme)
	}
	return ""
}
