package main

import (
	"context"
	"errors"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
)

// loadConfig loads the config file of a command that reads the sources.
// When the file has problems, the table and column rules of what decoded
// are checked against the sources too, so that one run lists every problem
// rather than the unknown names only after the others are fixed.
func loadConfig(ctx context.Context, path string) (*config.Config, error) {
	cfg, err := config.LoadPartial(path)
	var problems config.Errors
	if err == nil || cfg == nil || !errors.As(err, &problems) {
		return cfg, err
	}
	return nil, engines.CheckNames(ctx, cfg, problems)
}
