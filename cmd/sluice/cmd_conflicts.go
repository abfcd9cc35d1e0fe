package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/target"
)

// conflictFlags choose the target database and the conflicts shown.
type conflictFlags struct {
	database string
	table    string
	status   string
	limit    int
	json     bool
	take     string
	value    string
	by       string
	seal     sealFlags
}

func newConflicts(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "conflicts",
		Short: "List and resolve the disagreements between sources of a merged table",
		Long: `A target table merged from several sources with match_on and manual: true
loads each matched row from the first source in its from: list, and queues
every column on which another source disagrees in sluice.conflicts, with both
values. "conflicts list" shows the queue; "conflicts resolve" settles one
conflict by keeping the loaded value, taking the other source's, or writing a
value of your own. A resolution is kept across reruns for as long as the two
sources' values stay as they were; if either changes, the conflict opens again.`,
		Example: `  sluice conflicts list
  sluice conflicts resolve 12 --take other`,
	}
	cmd.AddCommand(newConflictsList(g), newConflictsResolve(g))
	return cmd
}

func newConflictsList(g *globals) *cobra.Command {
	f := &conflictFlags{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the conflicts between sources (open ones by default)",
		Example: `  sluice conflicts list
  sluice conflicts list --table patients --status all
  sluice conflicts list --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listConflicts(cmd.Context(), g, f)
		},
	}
	f.common(cmd)
	cmd.Flags().StringVar(&f.table, "table", "", "only this target table")
	cmd.Flags().StringVar(&f.status, "status", "open", "open, resolved or all")
	cmd.Flags().IntVar(&f.limit, "limit", 100, "show at most this many (0: all)")
	cmd.Flags().BoolVar(&f.json, "json", false, "one JSON object per line instead of a table")
	return cmd
}

func newConflictsResolve(g *globals) *cobra.Command {
	f := &conflictFlags{}
	cmd := &cobra.Command{
		Use:   "resolve ID (--take owner|other | --value TEXT)",
		Short: "Settle one conflict: keep the loaded value, take the other source's, or set one",
		Example: `  sluice conflicts resolve 12 --take other
  sluice conflicts resolve 13 --take owner
  sluice conflicts resolve 14 --value "1970-01-01"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return resolveConflict(cmd.Context(), g, f, args[0], cmd.Flags().Changed("value"))
		},
	}
	f.common(cmd)
	cmd.Flags().StringVar(&f.take, "take", "", "owner (keep the loaded value) or other (take the other source's)")
	cmd.Flags().StringVar(&f.value, "value", "", "write this value instead (cast to the column's type)")
	cmd.Flags().StringVar(&f.by, "by", "", "who resolves it, for the audit trail (default: $USER)")
	f.seal.register(cmd)
	return cmd
}

func (f *conflictFlags) common(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.database, "database", "", "the target database (a name under targets:; default the first)")
}

// openConflictTarget opens the target database the flags name, and returns
// the config it read.
func openConflictTarget(ctx context.Context, g *globals, f *conflictFlags) (*target.Target, *config.Config, error) {
	cfg, err := config.Load(g.config)
	if err != nil {
		return nil, nil, err
	}
	url, err := targetURL(cfg, f.database)
	if err != nil {
		return nil, nil, err
	}
	tgt, err := target.Open(ctx, url)
	return tgt, cfg, err
}

func listConflicts(ctx context.Context, g *globals, f *conflictFlags) error {
	status := f.status
	switch status {
	case "open", "resolved":
	case "all":
		status = ""
	default:
		return usageError{fmt.Errorf("--status %q: use open, resolved or all", f.status)}
	}
	tgt, _, err := openConflictTarget(ctx, g, f)
	if err != nil {
		return err
	}
	defer tgt.Close()
	cs, err := tgt.Conflicts(ctx, target.ConflictFilter{Table: f.table, Status: status, Limit: f.limit})
	if err != nil {
		return err
	}
	if f.json {
		return writeConflictsJSON(g.stdout, cs)
	}
	printConflicts(g.stdout, cs, f.status)
	return nil
}

func printConflicts(w io.Writer, cs []target.Conflict, status string) {
	if len(cs) == 0 {
		if status == "all" {
			status = ""
		}
		fmt.Fprintln(w, strings.Join(strings.Fields("no "+status+" conflicts"), " "))
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\ttable\trow\tcolumn\tloaded from\tvalue\tother source\tvalue\tstatus")
	for _, c := range cs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s %s\t%s\t%s %s\t%s\t%s\n", c.ID, c.Table, c.Entity, c.Column,
			c.OwnerSource, c.OwnerKey, shownValue(c.OwnerValue, c.OwnerNull), c.OtherSource, c.OtherKey,
			shownValue(c.OtherValue, c.OtherNull), conflictStatus(c))
	}
	tw.Flush()
}

func shownValue(v string, null bool) string {
	if null {
		return "NULL"
	}
	return strconv.Quote(clipText(v, 40))
}

func conflictStatus(c target.Conflict) string {
	if c.Status != "resolved" {
		return c.Status
	}
	return "resolved: " + c.Resolution
}

func writeConflictsJSON(w io.Writer, cs []target.Conflict) error {
	enc := json.NewEncoder(w)
	for _, c := range cs {
		if err := enc.Encode(c); err != nil {
			return err
		}
	}
	return nil
}

func resolveConflict(ctx context.Context, g *globals, f *conflictFlags, arg string, hasValue bool) error {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return usageError{fmt.Errorf("conflict id %q: expected a positive number (see sluice conflicts list)", arg)}
	}
	res, err := resolution(f, hasValue)
	if err != nil {
		return err
	}
	tgt, cfg, err := openConflictTarget(ctx, g, f)
	if err != nil {
		return err
	}
	defer tgt.Close()
	key, anchor, err := f.seal.resolve(cfg)
	if err != nil {
		return err
	}
	if res.Seal, err = tgt.AuditSeal(ctx, anchor, key); err != nil {
		return err
	}
	c, err := tgt.ResolveConflict(ctx, id, res)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "conflict %d resolved (%s): %s.%s of row %s is now %s\n", c.ID, c.Resolution, c.Table, c.Column, c.Entity, resolvedValue(c))
	return nil
}

// resolution reads --take and --value: exactly one of them.
func resolution(f *conflictFlags, hasValue bool) (target.Resolution, error) {
	r := target.Resolution{Take: f.take, By: f.by}
	switch {
	case hasValue && f.take != "":
		return r, usageError{fmt.Errorf("use either --take or --value, not both")}
	case hasValue:
		r.Take, r.Value = "value", &f.value
	case f.take != "owner" && f.take != "other":
		return r, usageError{fmt.Errorf("--take %q: use owner or other, or give --value", f.take)}
	}
	if r.By == "" {
		r.By = target.NewRun("", "", "").OSUser
	}
	return r, nil
}

func resolvedValue(c target.Conflict) string {
	if c.ResolvedValue == nil {
		return "NULL"
	}
	return strconv.Quote(*c.ResolvedValue)
}
