package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/plan"
)

// openSource opens one source by its URL scheme.
func openSource(ctx context.Context, name, rawURL string) (sluice.Source, error) {
	src, err := engines.Open(ctx, name, rawURL)
	if errors.Is(err, engines.ErrUnsupported) {
		return nil, usageError{err}
	}
	return src, err
}

// sources are the open sources of a config, by name.
type sources map[string]sluice.Source

func openSources(ctx context.Context, cfg *config.Config) (sources, error) {
	s := sources{}
	for _, src := range cfg.Sources {
		db, err := openSource(ctx, src.Name, src.URL)
		if err != nil {
			s.Close()
			return nil, err
		}
		s[src.Name] = db
	}
	return s, nil
}

func (s sources) Close() {
	for _, db := range s {
		db.Close()
	}
}

// introspect reads the schema of every source, in config order.
func introspect(ctx context.Context, cfg *config.Config, s sources) ([]*sluice.Schema, error) {
	var out []*sluice.Schema
	for _, src := range cfg.Sources {
		sch, err := s[src.Name].Introspect(ctx)
		if err != nil {
			return nil, fmt.Errorf("introspect source %s: %w", src.Name, err)
		}
		sch.Source = src.Name
		out = append(out, sch)
	}
	return out, nil
}

// prepared is a config with its sources open and its plan built.
type prepared struct {
	cfg     *config.Config
	sources sources
	plan    *plan.Plan
}

// prepare loads the config, opens and introspects the sources and plans.
// The caller closes the sources.
func prepare(ctx context.Context, path string) (*prepared, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	srcs, err := openSources(ctx, cfg)
	if err != nil {
		return nil, err
	}
	schemas, err := introspect(ctx, cfg, srcs)
	if err == nil {
		var p *plan.Plan
		if p, err = plan.Build(cfg, schemas); err == nil {
			return &prepared{cfg: cfg, sources: srcs, plan: p}, nil
		}
	}
	srcs.Close()
	return nil, err
}
