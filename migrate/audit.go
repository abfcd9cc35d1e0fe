package migrate

import (
	"context"
	"os"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
)

// The audit trail records every operation of a run (see package audit):
// its start with the config hash, each table's mapping when a generation
// begins or resumes, each chunk (written by the target in the chunk's own
// transaction), each table's reconciled counts, and the run's end, whose
// entry is signed when a signing key is given. Failing to record is failing
// the run: an operation the trail does not show did not happen for an auditor.

func (r *runner) auditStart(ctx context.Context) error {
	return r.tgt.Audit(ctx, r.runID, audit.OpRunStart, map[string]any{
		"command": r.opt.Command, "config_hash": r.opt.ConfigHash, "version": r.opt.Version,
		"pid": os.Getpid(), "schema": r.plan.Schema, "key_namespace": r.plan.Namespace.String(),
		"tables": len(r.plan.Tables),
	})
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
	return r.tgt.Audit(ctx, r.runID, audit.OpTableDone, entry)
}

// auditEnd records the run's outcome and signs the run's head.
func (r *runner) auditEnd(ctx context.Context, status, msg string, sum *Summary) error {
	var loaded int64
	for _, t := range sum.Tables {
		loaded += t.Loaded
	}
	err := r.tgt.Audit(ctx, r.runID, audit.OpRunEnd, map[string]any{
		"status": status, "message": msg, "loaded": loaded, "rejected": sum.Rejected,
	})
	if err != nil || r.opt.SigningKey == nil {
		return err
	}
	return r.tgt.SignRun(ctx, r.runID, r.opt.SigningKey)
}
