// Package engines opens source databases by the scheme of their URLs and
// prepares a config (sources open, introspected, planned). It is the one
// place that knows every source engine, so the CLI and the tests that run
// whole migrations start the same way; the engine packages themselves never
// import each other.
package engines

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/dburl"
	"github.com/sluicedb/sluice/mysql"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/postgres"
	"github.com/sluicedb/sluice/sqlite"
	"github.com/sluicedb/sluice/sqlserver"
)

// ErrUnsupported is returned for a URL whose scheme no engine reads.
var ErrUnsupported = errors.New("unsupported URL (use mysql://, postgres://, sqlserver://, sqlite: or csv:)")

// Open opens the source called name at rawURL, a CSV source with the
// settings of its URL alone (OpenAll gives it the config's).
func Open(ctx context.Context, name, rawURL string) (sluice.Source, error) {
	return open(ctx, nil, &config.Source{Name: name, URL: rawURL})
}

func open(ctx context.Context, cfg *config.Config, src *config.Source) (sluice.Source, error) {
	name, rawURL := src.Name, src.URL
	if err := dburl.Check(rawURL); err != nil {
		return nil, fmt.Errorf("source %s: bad URL %s: %w", name, sluice.RedactURL(rawURL), err)
	}
	switch Scheme(rawURL) {
	case "mysql":
		return mysql.Open(ctx, name, rawURL)
	case "postgres", "postgresql":
		return postgres.Open(ctx, name, rawURL)
	case "sqlite":
		return sqlite.Open(ctx, name, rawURL)
	case "sqlserver":
		return sqlserver.Open(ctx, name, rawURL)
	case "csv":
		if cfg == nil {
			cfg = &config.Config{File: "(command line)"}
		}
		return openCSV(ctx, cfg, src)
	}
	return nil, fmt.Errorf("source %s at %s: %w", name, sluice.RedactURL(rawURL), ErrUnsupported)
}

// Scheme is the lower-cased scheme of rawURL, or "" when it has none. A URL
// that does not parse still has its scheme, so that its engine can say
// what is wrong with the rest: a sqlite: or csv: URL is a path, which may
// hold what a URL may not (a "%").
func Scheme(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return strings.ToLower(u.Scheme)
	}
	scheme, _, ok := strings.Cut(rawURL, ":")
	if !ok || !schemeWord.MatchString(scheme) {
		return ""
	}
	return strings.ToLower(scheme)
}

// schemeWord is what RFC 3986 allows as a scheme.
var schemeWord = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// Sources are the open sources of a config, by name.
type Sources map[string]sluice.Source

// OpenAll opens every source of cfg, with the encoding its config declares;
// on an error it closes those it opened.
func OpenAll(ctx context.Context, cfg *config.Config) (Sources, error) {
	s := Sources{}
	for i := range cfg.Sources {
		src := &cfg.Sources[i]
		db, err := open(ctx, cfg, src)
		if err == nil {
			s[src.Name] = db
			if Scheme(src.URL) != "csv" { // a CSV source takes its encoding with its other settings
				err = declareEncoding(ctx, db, *src)
			}
		}
		if err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// encodingDeclarer is a source whose database may hold text in an encoding
// it does not record, which the config then declares (sqlite, postgres).
type encodingDeclarer interface {
	DeclareEncoding(ctx context.Context, name string) error
}

func declareEncoding(ctx context.Context, db sluice.Source, src config.Source) error {
	if src.Encoding == "" {
		return nil
	}
	d, ok := db.(encodingDeclarer)
	if !ok {
		return fmt.Errorf("source %s: a %s source takes no encoding", src.Name, db.Engine())
	}
	if err := d.DeclareEncoding(ctx, src.Encoding); err != nil {
		return fmt.Errorf("source %s: encoding %s: %w", src.Name, src.Encoding, err)
	}
	return nil
}

// Close closes every source.
func (s Sources) Close() {
	for _, db := range s {
		db.Close()
	}
}

// Introspect reads the schema of every source of cfg, in config order.
func (s Sources) Introspect(ctx context.Context, cfg *config.Config) ([]*sluice.Schema, error) {
	var out []*sluice.Schema
	for _, src := range cfg.Sources {
		sch, err := s[src.Name].Introspect(ctx)
		if err != nil {
			return nil, fmt.Errorf("introspect source %s: %w", src.Name, err)
		}
		sch.Source = src.Name
		sch.Tables = withoutSink(sch.Tables)
		out = append(out, sch)
	}
	return out, nil
}

// Prepared is a config with its sources open and its plan built: what every
// command that reads the sources starts from.
type Prepared struct {
	Config  *config.Config
	Sources Sources
	Plan    *plan.Plan
}

// Prepare opens and introspects the sources of cfg and plans the migration.
// The caller closes Prepared.Sources.
func Prepare(ctx context.Context, cfg *config.Config) (*Prepared, error) {
	srcs, err := OpenAll(ctx, cfg)
	if err != nil {
		return nil, err
	}
	schemas, err := srcs.Introspect(ctx, cfg)
	if err == nil {
		var p *plan.Plan
		if p, err = plan.Build(cfg, schemas); err == nil {
			return &Prepared{Config: cfg, Sources: srcs, Plan: p}, nil
		}
	}
	srcs.Close()
	return nil, err
}

// withoutSink leaves out the record table the reverse stream creates on a
// source after cutover (sluice.SinkTable): Sluice's own, never migrated.
func withoutSink(tables []sluice.Table) []sluice.Table {
	return slices.DeleteFunc(tables, func(t sluice.Table) bool { return t.Name == sluice.SinkTable })
}
