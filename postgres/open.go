package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/charset"
)

// Source reads one schema of a PostgreSQL database.
type Source struct {
	name   string
	where  string // "source <name> (<redacted URL>)", for messages
	schema string
	pool   *pgxpool.Pool

	enc *charset.Encoding // the declared encoding of a SQL_ASCII database's text; nil reads it as UTF-8

	wcfg  *pgxpool.Config // the write pool's configuration (freeze, reverse changes)
	wpool *pgxpool.Pool   // nil until a write needs it

	mu          sync.Mutex
	types       map[string]map[string]sluice.Type // table -> column -> type, for Read
	partitioned map[string]bool                   // table -> is a partitioned table
}

var _ sluice.Source = (*Source)(nil)

// Open connects to a postgres:// or postgresql:// URL. Its query parameter
// schema=NAME (default public) picks the schema to read; every session is
// read-only. An unreachable server is a *sluice.ConnectError that names the
// redacted URL.
func Open(ctx context.Context, name, rawURL string) (*Source, error) {
	connURL, schema, err := ParseURL(rawURL)
	if err != nil {
		return nil, connectError(name, rawURL, err)
	}
	cfg, err := pgxpool.ParseConfig(connURL)
	if err != nil {
		return nil, connectError(name, rawURL, err)
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "sluice"
	}
	cfg.AfterConnect = settleClientEncoding
	wcfg := writeConfig(cfg)
	cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, connectError(name, rawURL, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, connectError(name, rawURL, err)
	}
	where := fmt.Sprintf("source %s (%s)", name, sluice.RedactURL(rawURL))
	return &Source{name: name, where: where, schema: schema, pool: pool, wcfg: wcfg, types: map[string]map[string]sluice.Type{}, partitioned: map[string]bool{}}, nil
}

// Where names the source and its redacted address (sluice.Addressed).
func (s *Source) Where() string { return s.where }

// ParseURL removes the schema parameter from a PostgreSQL URL and returns the
// URL to connect with and the schema ("public" when none is given).
func ParseURL(rawURL string) (connURL, schema string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", "", errors.New("parse the URL: it is not a valid URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", "", fmt.Errorf("parse the URL: scheme %q, want postgres:// or postgresql://", u.Scheme)
	}
	q := u.Query()
	schema = q.Get("schema")
	if q.Has("schema") && schema == "" {
		return "", "", errors.New("parse the URL: schema= is empty")
	}
	if schema == "" {
		schema = "public"
	}
	q.Del("schema")
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

// connectError names the source and its redacted URL. The cause's text is
// scrubbed of the password too: pgx quotes a URL it cannot parse, and only
// redacts it as best it can.
func connectError(name, rawURL string, err error) error {
	where := fmt.Sprintf("source %s (%s)", name, sluice.RedactURL(rawURL))
	for _, pw := range passwords(rawURL) {
		if strings.Contains(err.Error(), pw) {
			err = errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
		}
	}
	return &sluice.ConnectError{Where: where, Err: err}
}

// passwords returns the URL's password as written and as decoded.
func passwords(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return nil
	}
	pw, ok := u.User.Password()
	if !ok || pw == "" {
		return nil
	}
	encoded := strings.TrimPrefix(url.UserPassword("", pw).String(), ":")
	return []string{encoded, pw}
}

// Engine returns "postgres".
func (s *Source) Engine() string { return "postgres" }

// Close releases the connections.
func (s *Source) Close() error {
	s.mu.Lock()
	w := s.wpool
	s.mu.Unlock()
	if w != nil {
		w.Close()
	}
	s.pool.Close()
	return nil
}
