package migrate

import (
	"context"
	"os"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// The audit trail records every operation of a run (see package audit):
// its start with the config hash (committed with the run's row in
// sluice.runs, once the trail was checked against its anchor), each table's
// mapping when a generation begins or resumes, each chunk (written by the
// target in the chunk's own transaction), each table's reconciled counts, and
// the run's end, whose entry is signed when a signing key is given, then
// anchored. Failing to record is failing the run: an operation the trail does
// not show did not happen for an auditor.

// startDetails are the run.start entry's details, recorded with the run
// (target.BeginSession).
func startDetails(p *plan.Plan, o Options) map[string]any {
	return map[string]any{
		"command": o.Command, "config_hash": o.ConfigHash, "version": o.Version,
		"pid": os.Getpid(), "schema": p.Schema, "key_namespace": p.Namespace.String(),
		"tables": len(p.Tables),
	}
}

// auditTable records the mapping a table loads with, when its generation
// begins (table.plan) or resumes (table.rerun).
func (r *runner) auditTable(ctx context.Context, j *job) error {
	op := audit.OpTablePlan
	if j.state != target.StatePending {
		op = audit.OpTableRerun
	}
	return r.tgt.Audit(ctx, r.runID, op, map[string]any{
		"table": j.table.ID, "target": r.plan.Schema + "." + j.table.Name, "generation": j.generation,
		"state": j.state, "plan_hash": j.hash, "strategy": j.table.Strategy, "keys": j.table.Keys,
		"where": j.table.Where, "key": j.table.Key, "columns": columnRules(j.table),
	})
}

func columnRules(t *plan.Table) []any {
	out := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		rule := map[string]any{"name": c.Name, "type": c.Type, "role": string(c.Role), "not_null": c.NotNull}
		if c.Source != "" {
			rule["source"] = c.Source
		}
		if len(c.KeyColumns) > 0 {
			rule["key_columns"] = c.KeyColumns
		}
		if c.RefTable != "" {
			rule["references"] = c.RefSource + "." + c.RefTable
		}
		if c.IdentityTable != "" {
			rule["identity"] = c.IdentitySource + "." + c.IdentityTable
		}
		if c.Default != nil {
			rule["default"] = *c.Default
		}
		out[i] = rule
	}
	return out
}

func (r *runner) auditTableDone(ctx context.Context, j *job, res TableResult) error {
	entry := map[string]any{
		"table": j.table.ID, "generation": j.generation, "source_rows": res.SourceRows,
		"filtered": res.Filtered, "read": res.Read, "loaded": res.Loaded, "rejected": res.Rejected,
		"chunks": res.Chunks,
	}
	if j.merge != nil {
		entry["mode"] = j.merge.Mode
		entry["inserted"], entry["updated"], entry["unchanged"], entry["deleted"] = res.Inserted, res.Updated, res.Unchanged, res.Deleted
	}
	if len(j.identities) > 0 {
		entry["identities"] = j.identities // the next value of each identity column
	}
	return r.tgt.Audit(ctx, r.runID, audit.OpTableDone, entry)
}

// auditEnd records the run's outcome with its status in sluice.runs, signs
// the run's head and anchors it (target.Session.End).
func (r *runner) auditEnd(ctx context.Context, status, msg string, sum *Summary) error {
	var loaded int64
	for _, t := range sum.Tables {
		loaded += t.Loaded
	}
	_, err := r.session.End(ctx, status, msg, map[string]any{"loaded": loaded, "rejected": sum.Rejected})
	return err
}
