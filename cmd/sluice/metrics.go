package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/metrics"
	"github.com/sluicedb/sluice/migrate"
)

// auditCheckEvery is how often /metrics recomputes the audit chain.
const auditCheckEvery = time.Minute

// serveMetrics starts /metrics on addr for the target databases, when addr
// is set, and says where on w. stop ends it.
func serveMetrics(w io.Writer, addr string, cfg *config.Config, tgts migrate.Targets) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	reg := metrics.NewRegistry()
	reg.MustRegister(metrics.NewStateCollector(metricDatabases(cfg, tgts), auditCheckEvery))
	bound, stop, err := metrics.Serve(addr, reg)
	if err != nil {
		return nil, usageError{fmt.Errorf("--metrics-addr: %w", err)}
	}
	fmt.Fprintf(w, "metrics on http://%s/metrics\n", bound)
	return stop, nil
}

// metricDatabases names each target database for the database label: its
// name under targets:, or for a single target its database name.
func metricDatabases(cfg *config.Config, tgts migrate.Targets) []metrics.Database {
	var dbs []metrics.Database
	for _, tc := range cfg.Targets {
		if t, ok := tgts[tc.Name]; ok {
			dbs = append(dbs, metrics.Database{Name: databaseLabel(tc.Name, tc.URL, len(cfg.Targets)), Target: t})
		}
	}
	return dbs
}

func databaseLabel(name, rawURL string, targets int) string {
	if targets > 1 || name != config.DefaultTargetName {
		return name
	}
	if u, err := url.Parse(rawURL); err == nil && strings.Trim(u.Path, "/") != "" {
		return strings.Trim(u.Path, "/")
	}
	return name
}
