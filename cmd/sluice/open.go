package main

import (
	"context"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
)

// prepare loads the config, opens and introspects the sources and plans.
// The caller closes the sources.
func prepare(ctx context.Context, path string) (*engines.Prepared, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	return engines.Prepare(ctx, cfg)
}
