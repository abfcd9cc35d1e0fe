package migrate

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/audit"
	"github.com/sluicedb/sluice/plan"
	"github.com/sluicedb/sluice/target"
	"github.com/sluicedb/sluice/verify"
)

// verifyTable checks a table as soon as it is loaded, at the levels asked
// for except the foreign keys (3), which need every table loaded and are
// checked at the end of the run. Findings fail the table, so that its next
// run loads it again.
func (r *runner) verifyTable(ctx context.Context, j *job) error {
	levels := slices.DeleteFunc(slices.Clone(r.opt.Verify), func(l int) bool { return l == verify.LevelOrphans })
	if len(levels) == 0 {
		return nil
	}
	t := j.table
	r.opt.stepper().TableStep(t.ID, StepVerifying, 0, len(levels))
	var digests chunkDigests
	opts := verify.Options{Levels: levels, OnChunk: digests.add, Retry: r.opt.Retry, OnRetry: r.opt.Observer.Retrying}
	tr, err := verify.Table(ctx, r.plan, t, r.srcs[t.Source], r.tgt, opts)
	if err != nil {
		return fmt.Errorf("verify %s: %w", t.ID, err)
	}
	if err := r.auditContent(ctx, j, digests.sorted()); err != nil {
		return err
	}
	report := &verify.Report{Tables: []verify.TableReport{tr}, Findings: tr.FindingCount()}
	if err := verify.Record(ctx, r.tgt, r.runID, report); err != nil {
		return err
	}
	if j.keyless != "" && unexpected(t, tr) == 0 {
		r.opt.Observer.Phase(fmt.Sprintf("verified %s: %d finding(s) of a table loaded without its primary key (bad_keys: load); `sluice verify --table %s` lists them", t.ID, report.Findings, t.ID))
		return nil
	}
	if report.Findings == 0 {
		r.opt.Observer.Phase(fmt.Sprintf("verified %s (levels %s): no finding", t.ID, strings.Join(strings.Fields(strings.Trim(fmt.Sprint(levels), "[]")), ", ")))
		return nil
	}
	err = &sluice.ValidationError{Table: t.ID, Detail: findingsDetail(report)}
	_ = r.tgt.SetTableState(context.WithoutCancel(ctx), t.ID, j.generation, target.StateFailed, err.Error())
	return err
}

// verifyForeignKeys looks for orphans once every table is loaded.
// The foreign keys of tables that did not load, and those to them, are not
// checked: the notes of the summary report them.
func (r *runner) verifyForeignKeys(ctx context.Context, h holds) error {
	if !slices.Contains(r.opt.Verify, verify.LevelOrphans) {
		return nil
	}
	r.opt.stepper().RunStep(StepOrphans, 0, 0)
	good, _ := splitForeignKeys(r.plan, h)
	report, err := verify.All(ctx, withoutTables(good, h.failed), r.srcs, r.tgt, verify.Options{Levels: []int{verify.LevelOrphans}, Retry: r.opt.Retry, OnRetry: r.opt.Observer.Retrying})
	if err != nil {
		return fmt.Errorf("verify foreign keys: %w", err)
	}
	if err := verify.Record(ctx, r.tgt, r.runID, report); err != nil {
		return err
	}
	if report.Findings > 0 {
		return &sluice.ValidationError{Table: "foreign keys", Detail: findingsDetail(report)}
	}
	return nil
}

// findingsDetail names the first finding; `sluice verify` lists them all.
func findingsDetail(r *verify.Report) string {
	for _, t := range r.Tables {
		for _, f := range t.Findings {
			return fmt.Sprintf("verification found %d problem(s), the first at level %d: %s %s %s (source %s, target %s) %s; run `sluice verify --table %s` for all",
				r.Findings, f.Level, f.Check, f.LegacyKey, f.Column, f.SourceValue, f.TargetValue, f.Detail, t.ID)
		}
	}
	return fmt.Sprintf("verification found %d problem(s)", r.Findings)
}

// chunkDigests collects the content hashes level 6 computes, from the
// goroutines that compare chunks.
type chunkDigests struct {
	mu  sync.Mutex
	all []verify.ChunkDigest
}

func (d *chunkDigests) add(c verify.ChunkDigest) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.all = append(d.all, c)
}

func (d *chunkDigests) sorted() []verify.ChunkDigest {
	slices.SortFunc(d.all, func(a, b verify.ChunkDigest) int { return a.Chunk - b.Chunk })
	return d.all
}

// auditContent records each chunk's content hash: the audit trail then holds,
// for every key range, the SHA-256 of the rows as the mapping produces them
// from the source and as the target holds them.
func (r *runner) auditContent(ctx context.Context, j *job, digests []verify.ChunkDigest) error {
	for _, d := range digests {
		err := r.tgt.Audit(ctx, r.runID, audit.OpChunkContent, map[string]any{
			"table": j.table.ID, "generation": j.generation, "chunk": d.Chunk,
			"after_key": d.After, "last_key": d.Last, "source_rows": d.SourceRows, "target_rows": d.TargetRows,
			"source_sha256": hex.EncodeToString(d.Source[:]), "target_sha256": hex.EncodeToString(d.Target[:]),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// unexpected counts the findings of a table loaded without its primary key
// (bad_keys: load) other than those that say so.
func unexpected(t *plan.Table, tr verify.TableReport) int {
	n := tr.FindingCount() - tr.Levels[verify.LevelKeys].Findings
	for _, f := range tr.Findings {
		if f.Level == verify.LevelTypes && keylessFinding(t, f.Level, f.Check, f.Column) {
			n--
		}
	}
	return n
}
