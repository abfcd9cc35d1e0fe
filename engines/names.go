package engines

import (
	"context"
	"strings"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
)

// CheckNames adds to the problems of a config that did not decode cleanly
// (cfg is what did, config.LoadPartial) the table and column rules that
// name what a source does not have, so that one pass reports every
// problem. Only the sources the problems do not touch are opened; one that
// cannot be opened or read is left out, and its rules unchecked: the run
// reports it once the config is right.
func CheckNames(ctx context.Context, cfg *config.Config, problems config.Errors) config.Errors {
	var schemas []*sluice.Schema
	for i := range cfg.Sources {
		src := &cfg.Sources[i]
		if touches(problems, "sources."+src.Name) {
			continue
		}
		if sch := introspectOne(ctx, cfg, src); sch != nil {
			schemas = append(schemas, sch)
		}
	}
	all := append(config.Errors{}, problems...)
	return append(all, plan.CheckNames(cfg, schemas)...).Sorted()
}

// touches reports a problem at the key path or inside it.
func touches(problems config.Errors, path string) bool {
	for _, e := range problems {
		if e.Key == path || strings.HasPrefix(e.Key, path+".") {
			return true
		}
	}
	return false
}

func introspectOne(ctx context.Context, cfg *config.Config, src *config.Source) *sluice.Schema {
	db, err := open(ctx, cfg, src)
	if err != nil {
		return nil
	}
	defer db.Close()
	sch, err := db.Introspect(ctx)
	if err != nil {
		return nil
	}
	sch.Source = src.Name
	return sch
}
