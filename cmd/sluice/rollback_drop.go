package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// dropTargetHelp is rollback --drop-target's part of the help.
const dropTargetHelp = `

--drop-target (before the switch only) also removes what Sluice made on the
target: the views the config defines and the tables Sluice created, recorded
in sluice.created_tables when it created them, in one transaction with an
audit entry (target.drop). A table Sluice did not create is never dropped,
even one it loaded (it existed, empty, before the first migrate; or it was
created by a Sluice older than that record): it is listed as kept. Nothing
is dropped with CASCADE: an object of someone else's that depends on one of
the tables stops the drop, and nothing is dropped. The load state of the
dropped tables is forgotten (so a later migrate starts afresh); the state
schema sluice stays, with the audit trail, the runs, the rejects and the
verification results, which an auditor may need: drop it yourself (DROP
SCHEMA sluice CASCADE) once the trail is archived (sluice audit export).
After the switch --drop-target is refused (exit 7): the target holds the
application's writes; roll back first, then --drop-target.`

func registerDropTarget(cmd *cobra.Command, f *rollbackFlags) {
	cmd.Flags().BoolVar(&f.dropTarget, "drop-target", false, "before the switch: also drop the target tables Sluice created and forget their load state (the audit trail stays)")
	cmd.Long += dropTargetHelp
	cmd.Example += "\n  sluice rollback --drop-target   # before cutover: and drop the tables Sluice created on the target"
}

// refuseDropTarget is --drop-target after the switch.
func refuseDropTarget() error {
	return &notReadyError{msg: "rollback --drop-target refused: the cutover switched, the target is authoritative and holds the application's writes. " +
		"Run sluice rollback first (the sources become authoritative again), then sluice rollback --drop-target"}
}

// dropTarget drops the views of the plan and the tables Sluice created in
// the plan's schema, and says what it dropped and what it kept.
func (r *rollback) dropTarget(ctx context.Context) error {
	var views []string
	for _, v := range r.p.Plan.Views {
		views = append(views, plan.DropView(v))
	}
	d, err := r.tgt.DropCreated(ctx, r.session.ID(), r.p.Plan.Schema, views)
	if err != nil {
		return err
	}
	printTargetDrop(r, d, len(views))
	return nil
}

func printTargetDrop(r *rollback, d target.TargetDrop, views int) {
	w := r.g.stdout
	fmt.Fprintf(w, "dropped from the target (schema %s): %d table(s) Sluice created%s", d.Schema, len(d.Tables), listed(d.Tables))
	if views > 0 {
		fmt.Fprintf(w, ", and the %d view(s) of the config", views)
	}
	fmt.Fprintln(w)
	if len(d.Kept) > 0 {
		fmt.Fprintf(w, "kept: %d table(s) Sluice loaded but did not create (or created before it recorded that)%s\n", len(d.Kept), listed(d.Kept))
	}
	fmt.Fprintln(w, "kept: the state schema sluice, with the audit trail (sluice.audit), the runs, the rejects and the verification results; the next migrate loads the dropped tables afresh")
}

func listed(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return ": " + strings.Join(names, ", ")
}
