package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/engines"
	"github.com/sluicedb/sluice/lineage"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

func newTrace(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "trace <table> <key>",
		Short: "Show where one target row came from, or where one source row went",
		Long: `Trace shows the lineage of one row: the source database, table and legacy key
it came from; the mapping that produced each target column (and whether the
config has changed since the row was loaded); the chunk of the ledger and the run
that loaded it; the audit entries that cover it; and the row's values.

The table is a target table name ("track") or a source table id
("chinook.Track"). The key is the row's uuid (keys: uuid) or its legacy key;
a composite legacy key is written with "|" between its parts ("1|3402"; a "|" or
"\" inside a part gets a "\" before it). For a legacy key that was rejected,
trace shows the reject (column, value, reason) instead of a row. A key found
nowhere is exit code 1. Trace only reads: it changes nothing anywhere.`,
		Example: `  sluice trace track 1
  sluice trace chinook.Track 4f0b6b2e-1c52-5d57-9a43-53d1c2a0f1e1
  sluice trace playlist_track '1|3402' --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTrace(cmd.Context(), g, args[0], args[1], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the lineage as JSON")
	return cmd
}

func runTrace(ctx context.Context, g *globals, table, key string, asJSON bool) error {
	p, err := prepare(ctx, g.config)
	if err != nil {
		return err
	}
	defer p.Sources.Close()
	pl, url, err := tableDatabase(p.Plan, p.Config, table)
	if err != nil {
		return err
	}
	tgt, err := target.OpenReadOnly(ctx, url, "sluice trace")
	if err != nil {
		return err
	}
	defer tgt.Close()
	l, err := lineage.Trace(ctx, tgt, pl, table, key, lineage.WithSources(p.Sources))
	var (
		badTable *lineage.UnknownTableError
		badKey   *lineage.UnknownKeyError
	)
	switch {
	case errors.As(err, &badTable):
		return usageError{err}
	case errors.As(err, &badKey):
		if part, ferr := filteredPart(ctx, p, table, key); ferr != nil || part != nil {
			return printFiltered(g, part, key, asJSON, ferr)
		}
		return err // exit code 1: the message says it all
	case err != nil:
		return fmt.Errorf("trace %s key %s on %s: %w", table, key, sluice.RedactURL(url), err)
	}
	for _, src := range p.Config.Sources {
		if src.Name == l.Source.Database {
			l.Source.URL = sluice.RedactURL(src.URL)
		}
	}
	if asJSON {
		return l.WriteJSON(g.stdout)
	}
	return l.WriteText(g.stdout)
}

// tableDatabase finds the target database a table (by ID or target name)
// loads into: its part of the plan and its URL. An unknown table is left for
// lineage.Trace to report.
func tableDatabase(p *plan.Plan, cfg *config.Config, table string) (*plan.Plan, string, error) {
	if len(p.Databases) <= 1 {
		return p, cfg.Target.URL, nil
	}
	for _, t := range p.Tables {
		if t.ID == table || t.Name == table {
			url, err := targetURL(cfg, t.Database)
			return p.ForDatabase(t.Database), url, err
		}
	}
	return p, cfg.Target.URL, nil
}

// filteredPart finds the table (or part of a merged table) whose where:
// excludes the source row with key; nil when none can be shown to.
func filteredPart(ctx context.Context, p *engines.Prepared, table, key string) (*plan.Table, error) {
	parts, err := lineage.Parts(p.Plan, table)
	if err != nil {
		return nil, err
	}
	for _, t := range parts {
		src, ok := p.Sources[t.Source]
		if !ok {
			continue
		}
		if yes, err := lineage.Filtered(ctx, src, t, key); err != nil || yes {
			return t, err
		}
	}
	return nil, nil
}

// printFiltered says that the row exists in the source and the config's
// filter leaves it out: it was not loaded, by design (exit code 0).
func printFiltered(g *globals, t *plan.Table, key string, asJSON bool, err error) error {
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(g.stdout).Encode(map[string]any{"table_id": t.ID, "key": key, "filtered": true, "where": t.Where})
	}
	fmt.Fprintf(g.stdout, "%s key %s: filtered. The source row exists and the config's filter (where: %s) excludes it,\nso it was not loaded; it counts among the table's filtered rows.\n", t.ID, key, t.Where)
	return nil
}
