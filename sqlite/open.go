package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeout is how long a statement waits for a writer's lock before it
// fails with SQLITE_BUSY (then reported as transient). Tests shorten it.
var busyTimeout = 5 * time.Second

// Source reads one SQLite database file.
type Source struct {
	name string
	path string
	db   *sql.DB
	enc  *charset.Encoding // the declared encoding of the file's text; nil is UTF-8
}

var _ sluice.Source = (*Source)(nil)

// Open opens the database file a sqlite: URL names, read-only. A missing or
// unreadable file is a *sluice.ConnectError; the file is never created.
func Open(ctx context.Context, name, rawURL string) (*Source, error) {
	path, err := ParseURL(rawURL)
	if err != nil {
		return nil, &sluice.ConnectError{Where: where(name, rawURL), Err: err}
	}
	if _, err := os.Stat(path); err != nil {
		return nil, &sluice.ConnectError{Where: where(name, rawURL), Err: err}
	}
	db, err := sql.Open("sqlite", DSN(path, busyTimeout))
	if err != nil {
		return nil, &sluice.ConnectError{Where: where(name, rawURL), Err: err}
	}
	if err := ping(ctx, db); err != nil {
		db.Close()
		return nil, &sluice.ConnectError{Where: where(name, rawURL), Err: err}
	}
	return &Source{name: name, path: path, db: db}, nil
}

// ping proves the file is a database: opening alone reads nothing, so a
// text file would only fail at the first query.
func ping(ctx context.Context, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return fmt.Errorf("read the schema: %w", err)
	}
	return nil
}

func where(name, rawURL string) string {
	return fmt.Sprintf("source %s (%s)", name, sluice.RedactURL(rawURL))
}

// ParseURL returns the file path of sqlite:///absolute/path.db or
// sqlite:relative/path.db. A relative path is taken from the working
// directory.
func ParseURL(rawURL string) (string, error) {
	rest, ok := strings.CutPrefix(rawURL, "sqlite:")
	if !ok {
		return "", fmt.Errorf("parse %q: want sqlite:///absolute/path.db or sqlite:relative/path.db", rawURL)
	}
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		if !strings.HasPrefix(after, "/") {
			return "", fmt.Errorf("parse %q: after sqlite:// the path must be absolute (sqlite:///path); write sqlite:relative/path for a relative one", rawURL)
		}
		rest = after
	}
	if rest == "" {
		return "", errors.New("parse sqlite URL: the path is empty")
	}
	return filepath.Abs(rest)
}

// DSN is the driver's name for path: a file: URI so that SQLite honours
// mode=ro (the driver strips the query of a plain path), which also stops it
// creating a missing file. query_only refuses writes even where the OS would
// allow them.
func DSN(path string, busy time.Duration) string {
	u := url.URL{Path: path}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "query_only(1)")
	return "file://" + u.EscapedPath() + "?" + q.Encode()
}

// Engine returns "sqlite".
func (s *Source) Engine() string { return "sqlite" }

// Close releases the connections.
func (s *Source) Close() error { return s.db.Close() }
