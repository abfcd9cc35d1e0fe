package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/dashboard"
	"github.com/sluicedb/sluice/metrics"
	"github.com/sluicedb/sluice/target"
)

// serveTokenEnv holds the dashboard's token when --token is not given.
const serveTokenEnv = "SLUICE_SERVE_TOKEN"

type serveFlags struct {
	addr    string
	targets []string
	token   string
	metrics string
}

func newServe(g *globals) *cobra.Command {
	f := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web dashboard and /metrics, from the state schema of the target databases",
		Long: `Serve runs a web dashboard of the migration: the sources and target databases,
every table with its state, progress and rows, throughput over time and the
ETA; the rejects by table and reason with the rows themselves; verification
by table and level with both values of each finding; the audit trail (chain
intact or the first bad entry, signed heads, an export); and the runs. It
also serves Prometheus metrics at /metrics (docs/METRICS.md).

It reads the state schema "sluice" of each target database, so it works from
any machine, during a run and after it. The targets are the config's
(--config) or those given with --target (repeatable). The page updates
itself every 2 seconds; it is embedded in the binary and fetches nothing
from elsewhere. URLs are shown with their password replaced.

It listens on 127.0.0.1 unless --addr names another interface; then a token
is required (--token or $` + serveTokenEnv + `), which the browser passes by
opening /login?token=... once (an HttpOnly cookie) and an API client or
Prometheus as "Authorization: Bearer <token>".`,
		Example: `  sluice serve
  sluice serve --addr 127.0.0.1:8080 --config prod.yaml
  sluice serve --target postgres://viewer@pg/platform --target postgres://viewer@pg/billing
  SLUICE_SERVE_TOKEN=s3cret sluice serve --addr 0.0.0.0:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), g, f)
		},
	}
	cmd.Flags().StringVar(&f.addr, "addr", "127.0.0.1:8080", "where to listen; a host other than loopback needs a token")
	cmd.Flags().StringArrayVar(&f.targets, "target", nil, "a target database URL (repeatable; default: the config's targets)")
	cmd.Flags().StringVar(&f.token, "token", "", "the token a browser or client must present (default $"+serveTokenEnv+")")
	cmd.Flags().StringVar(&f.metrics, "metrics-addr", "", "also serve /metrics, without the token, on this address (a port alone binds to 127.0.0.1)")
	return cmd
}

func runServe(ctx context.Context, g *globals, f *serveFlags) error {
	token := f.token
	if token == "" {
		token = os.Getenv(serveTokenEnv)
	}
	if err := checkExposure(f.addr, token); err != nil {
		return err
	}
	opts, closeAll, err := serveTargets(ctx, g, f)
	defer closeAll()
	if err != nil {
		return err
	}
	opts.Token = token
	reg := metrics.NewRegistry()
	reg.MustRegister(metrics.NewStateCollector(metricsOf(opts.Databases), auditCheckEvery))
	opts.Extra = map[string]http.Handler{"GET /metrics": metrics.Handler(reg)}
	if f.metrics != "" {
		bound, stop, err := metrics.Serve(f.metrics, reg)
		if err != nil {
			return usageError{fmt.Errorf("--metrics-addr: %w", err)}
		}
		defer stop()
		fmt.Fprintf(g.stderr, "metrics on http://%s/metrics\n", bound)
	}
	return listen(ctx, g, f.addr, dashboard.New(opts))
}

// checkExposure refuses to listen beyond loopback without a token.
func checkExposure(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError{fmt.Errorf("--addr %q: %w", addr, err)}
	}
	if loopback(host) || token != "" {
		return nil
	}
	return usageError{fmt.Errorf("--addr %s listens beyond this machine: give a token with --token or $%s", addr, serveTokenEnv)}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveTargets opens the target databases to show: --target's, else the
// config's, with the config's sources.
func serveTargets(ctx context.Context, g *globals, f *serveFlags) (dashboard.Options, func(), error) {
	var o dashboard.Options
	var opened []*target.Target
	closeAll := func() {
		for _, t := range opened {
			t.Close()
		}
	}
	named, err := serveURLs(g, f, &o)
	if err != nil {
		return o, closeAll, err
	}
	for _, n := range named {
		t, err := target.Open(ctx, n.url)
		if err != nil {
			return o, closeAll, err
		}
		opened = append(opened, t)
		o.Databases = append(o.Databases, dashboard.Database{Name: n.name, URL: sluice.RedactURL(n.url), Target: t})
	}
	return o, closeAll, nil
}

type namedURL struct{ name, url string }

func serveURLs(g *globals, f *serveFlags, o *dashboard.Options) ([]namedURL, error) {
	var out []namedURL
	if len(f.targets) > 0 {
		for _, u := range f.targets {
			out = append(out, namedURL{databaseLabel(config.DefaultTargetName, u, 1), u})
		}
		return out, nil
	}
	cfg, err := config.Load(g.config)
	if err != nil {
		return nil, err
	}
	for _, s := range cfg.Sources {
		engine, _, _ := strings.Cut(s.URL, ":")
		o.Sources = append(o.Sources, dashboard.Source{Name: s.Name, Engine: engine, URL: sluice.RedactURL(s.URL)})
	}
	for _, tc := range cfg.Targets {
		out = append(out, namedURL{databaseLabel(tc.Name, tc.URL, len(cfg.Targets)), tc.URL})
	}
	return out, nil
}

func metricsOf(dbs []dashboard.Database) []metrics.Database {
	out := make([]metrics.Database, len(dbs))
	for i, d := range dbs {
		out[i] = metrics.Database{Name: d.Name, Target: d.Target}
	}
	return out
}

// listen serves h on addr until ctx ends (Ctrl-C), then shuts down.
func listen(ctx context.Context, g *globals, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usageError{fmt.Errorf("--addr %s: %w", addr, err)}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(g.stderr, "dashboard on http://%s/ (metrics at /metrics); Ctrl-C stops it\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
