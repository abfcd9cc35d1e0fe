package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/target"
)

// storedDetails is the details column: what a later reader needs to know
// about the level without the report.
type storedDetails struct {
	Target   string    `json:"target"`
	Name     string    `json:"name"`
	Checked  int64     `json:"checked"`
	Detail   string    `json:"detail,omitempty"`
	Seconds  float64   `json:"elapsed_seconds"`
	Findings []Finding `json:"findings"`
}

// Store records r in sluice.verify_results, in one transaction: a row per
// table and level, stamped with the run (runID 0 stores NULL) and the time
// the verification finished.
func Store(ctx context.Context, tgt *target.Target, runID int64, r *Report) error {
	at := r.Finished
	if at.IsZero() {
		at = time.Now()
	}
	at = at.Truncate(time.Microsecond) // as timestamptz keeps it, to be found again by a retry
	var results []target.VerifyResult
	for _, t := range r.Tables {
		for _, l := range t.levelNumbers() {
			details, err := t.details(l)
			if err != nil {
				return fmt.Errorf("store verify results of %s: %w", t.ID, err)
			}
			res := t.Levels[l]
			results = append(results, target.VerifyResult{RunID: runID, TableID: t.ID, Level: l,
				Status: string(res.Status), Findings: res.Findings, Details: details, At: at})
		}
	}
	return tgt.StoreVerifyResults(ctx, results)
}

func (tr *TableReport) details(l int) ([]byte, error) {
	res := tr.Levels[l]
	d := storedDetails{Target: tr.Target, Name: LevelName(l), Checked: res.Checked, Detail: res.Detail,
		Seconds: res.Elapsed.Seconds(), Findings: []Finding{}}
	for _, f := range tr.Findings {
		if f.Level == l {
			d.Findings = append(d.Findings, f)
		}
	}
	return json.Marshal(d)
}

// Record stores the report in sluice.verify_results and appends one
// verify.result entry per table to the audit trail, for run runID.
func Record(ctx context.Context, tgt *target.Target, runID int64, r *Report) error {
	if err := Store(ctx, tgt, runID, r); err != nil {
		return fmt.Errorf("store the verification: %w", err)
	}
	for _, t := range r.Tables {
		if err := tgt.Audit(ctx, runID, audit.OpVerifyResult, auditDetails(t)); err != nil {
			return err
		}
	}
	return nil
}

// auditDetails is what the audit trail keeps of a table's verification: each
// level's status and counts, never a value of a row.
func auditDetails(t TableReport) map[string]any {
	levels := map[string]any{}
	for level, res := range t.Levels {
		levels[strconv.Itoa(level)] = map[string]any{"status": res.Status, "findings": res.Findings, "checked": res.Checked}
	}
	return map[string]any{"table": t.ID, "target": t.Target, "levels": levels, "findings": t.FindingCount()}
}
