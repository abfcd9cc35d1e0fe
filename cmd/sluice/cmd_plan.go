package main

import (
	"github.com/spf13/cobra"
)

func newPlan(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "plan",
		Short: "Show what migrate will do: target DDL, load order, chunks, warnings",
		Long: `Plan reads the config, introspects every source (read-only) and prints, for each
table in load order, how its columns map, how it is paginated and in how many
chunks, then the target DDL and every warning (tables without a key, narrowing
casts, foreign key cycles, unknown types). For a source with a capture: block it
also checks change capture and says what to enable on the source for sluice sync.
It changes nothing anywhere.`,
		Example: `  sluice plan
  sluice plan --config staging.yaml | less`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := prepare(cmd.Context(), g.config)
			if err != nil {
				return err
			}
			defer p.Sources.Close()
			capture, err := p.Sources.CaptureWarnings(cmd.Context(), p.Config, p.Plan)
			if err != nil {
				return err
			}
			p.Plan.Warnings = append(p.Plan.Warnings, capture...)
			return p.Plan.Render(g.stdout)
		},
	}
}
