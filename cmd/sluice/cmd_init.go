package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

type initFlags struct {
	sources   []string
	target    string
	schema    string
	keys      string
	naming    string
	strategy  string
	chunkRows int
}

func newInit(g *globals) *cobra.Command {
	f := &initFlags{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Introspect the sources and write a starting sluice.yaml to standard output",
		Long: `Init connects to each source (read-only), reads every table, column, key and
foreign key, and writes a complete, commented config with the proposed target
name and type of everything. Edit it, then run "sluice plan".

A password in a URL is not written to the file: it is replaced by an
environment variable reference named after the source, ${CLINICAL_PASSWORD}
for a source named clinical and ${TARGET_PASSWORD} for the target, which
plan and migrate expand.`,
		Example: `  sluice init --source clinical=mysql://app:secret@db1:3306/clinical \
              --source pharmacy=sqlite:///data/pharmacy.db \
              --target postgres://sluice@pg:5432/platform --keys uuid --naming camelCase > sluice.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.config()
			if err != nil {
				return err
			}
			srcs, err := engines.OpenAll(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer srcs.Close()
			schemas, err := srcs.Introspect(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			noteSecrets(g, cfg)
			chooseSpatial(cmd.Context(), g, cfg, schemas)
			return plan.WriteStarter(g.stdout, cfg, schemas)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.sources, "source", "s", nil, "a source as name=URL (repeat for several)")
	fl.StringVarP(&f.target, "target", "t", "", "the target PostgreSQL URL")
	fl.StringVar(&f.schema, "schema", "public", "the target schema")
	fl.StringVar(&f.keys, "keys", config.KeysKeep, "key strategy: keep or uuid")
	fl.StringVar(&f.naming, "naming", config.NamingSnake, "naming rule: snake_case, camelCase or keep")
	fl.StringVar(&f.strategy, "strategy", config.StrategyCreate, "load strategy: create, truncate, merge or append")
	fl.IntVar(&f.chunkRows, "chunk-rows", 20000, "rows per chunk")
	_ = cmd.MarkFlagRequired("source")
	_ = cmd.MarkFlagRequired("target")
	return cmd
}

// config turns the flags into an in-memory config, checking each value the
// way the config file's parser would.
func (f *initFlags) config() (*config.Config, error) {
	var problems []string
	check := func(flag, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		problems = append(problems, fmt.Sprintf("--%s %q: use one of %s", flag, v, strings.Join(allowed, ", ")))
	}
	check("keys", f.keys, config.KeysKeep, config.KeysUUID)
	check("naming", f.naming, config.NamingSnake, config.NamingCamel, config.NamingKeep)
	check("strategy", f.strategy, config.StrategyCreate, config.StrategyTruncate, config.StrategyMerge, config.StrategyAppend)
	if f.chunkRows < 1 || f.chunkRows > 10_000_000 {
		problems = append(problems, fmt.Sprintf("--chunk-rows %d: use 1 to 10000000", f.chunkRows))
	}
	cfg := &config.Config{File: "(command line)", Version: 1, Target: config.Target{URL: f.target, Schema: f.schema}}
	cfg.Defaults = config.Defaults{Naming: f.naming, Keys: f.keys, KeyNamespace: sluice.DefaultNamespace,
		LegacyColumn: "legacy_id", ChunkRows: f.chunkRows, Workers: 4, Strategy: f.strategy, ZeroDates: config.ZeroDatesReject}
	for _, s := range f.sources {
		name, u, ok := strings.Cut(s, "=")
		if !ok || name == "" || u == "" {
			problems = append(problems, fmt.Sprintf("--source %q: write name=URL", sluice.RedactURL(s)))
			continue
		}
		cfg.Sources = append(cfg.Sources, config.Source{Name: name, URL: u})
	}
	if len(problems) > 0 {
		return nil, usageError{fmt.Errorf("%s", strings.Join(problems, "\n  "))}
	}
	return cfg, nil
}

// noteSecrets tells the user that passwords were not written into the
// file: WriteStarter replaces each with a ${NAME_PASSWORD} reference.
func noteSecrets(g *globals, cfg *config.Config) {
	urls := []string{cfg.Target.URL}
	for _, s := range cfg.Sources {
		urls = append(urls, s.URL)
	}
	for _, raw := range urls {
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				fmt.Fprintln(g.stderr, "sluice: passwords are written as ${NAME_PASSWORD} references, not in clear; export them before plan and migrate")
				return
			}
		}
	}
}

// chooseSpatial writes spatial: wkt when the sources have spatial columns
// and the target cannot have PostGIS (or cannot be asked): plan and
// migrate then load them as EWKT text instead of failing on the extension.
func chooseSpatial(ctx context.Context, g *globals, cfg *config.Config, schemas []*sluice.Schema) {
	if !hasSpatial(schemas) {
		return
	}
	ok, err := targetHasPostGIS(ctx, cfg.Target.URL)
	switch {
	case err != nil:
		fmt.Fprintf(g.stderr, "sluice: the sources have spatial columns, and the target could not be asked whether it has PostGIS (%v): writing spatial: wkt (EWKT text); change it to postgis if the target has the extension\n", sluice.RedactURL(err.Error()))
	case !ok:
		fmt.Fprintln(g.stderr, "sluice: the sources have spatial columns, and the target has no PostGIS: writing spatial: wkt (EWKT text)")
	default:
		return
	}
	cfg.Defaults.Spatial = config.SpatialWKT
}

func hasSpatial(schemas []*sluice.Schema) bool {
	for _, s := range schemas {
		for _, t := range s.Tables {
			for _, c := range t.Columns {
				if c.Type.Kind == sluice.KindGeometry {
					return true
				}
			}
		}
	}
	return false
}

func targetHasPostGIS(ctx context.Context, url string) (bool, error) {
	tgt, err := target.Open(ctx, url)
	if err != nil {
		return false, err
	}
	defer tgt.Close()
	return tgt.HasPostGIS(ctx)
}
