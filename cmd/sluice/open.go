package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/migrate"
	"github.com/sluicedb/sluice/target"
)

// prepare loads the config, opens and introspects the sources and plans.
// The caller closes the sources.
func prepare(ctx context.Context, path string) (*engines.Prepared, error) {
	cfg, err := loadConfig(ctx, path)
	if err != nil {
		return nil, err
	}
	return engines.Prepare(ctx, cfg)
}

// openTargets opens every target database of the config. The caller closes
// them with the returned function, also after an error.
func openTargets(ctx context.Context, cfg *config.Config) (migrate.Targets, func(), error) {
	tgts := migrate.Targets{}
	closeAll := func() {
		for _, t := range tgts {
			t.Close()
		}
	}
	for _, tc := range cfg.Targets {
		t, err := target.Open(ctx, tc.URL)
		if err != nil {
			return tgts, closeAll, fmt.Errorf("target database %s: %w", tc.Name, err)
		}
		tgts[tc.Name] = t
	}
	return tgts, closeAll, nil
}

// targetURL is the URL of the named target database of the config, or of
// its first when name is "".
func targetURL(cfg *config.Config, name string) (string, error) {
	if name == "" {
		return cfg.Target.URL, nil
	}
	var names []string
	for _, t := range cfg.Targets {
		if t.Name == name {
			return t.URL, nil
		}
		names = append(names, t.Name)
	}
	return "", usageError{fmt.Errorf("--database %q: the config's target databases are %s", name, strings.Join(names, ", "))}
}
