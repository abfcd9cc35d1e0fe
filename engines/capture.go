package engines

import (
	"context"
	"fmt"
	"slices"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/config"
	"github.com/sluicedb/sluice/plan"
)

// CaptureSpec is the capture of a source's planned tables, with the
// source's capture settings: what sluice sync will ask it for. A table
// whose changes cannot be captured (plan.Table.Uncapturable) is left out:
// sync keeps it current by reruns, which plan's Live sync section says.
func CaptureSpec(src config.Source, p *plan.Plan) sluice.CaptureSpec {
	spec := sluice.CaptureSpec{Name: src.Name, ReplicaIdentityFull: src.Capture.ReplicaIdentityFull,
		ServerID: src.Capture.ServerID, Slot: src.Capture.Slot}
	for _, t := range p.Tables {
		if t.Source == src.Name && !t.Uncapturable && !slices.Contains(spec.Tables, t.SourceTable) {
			spec.Tables = append(spec.Tables, t.SourceTable)
		}
	}
	return spec
}

// CaptureWarnings checks change capture on every source whose config has
// a capture: block, and returns what each lacks as plan warnings, with
// what to enable: plan announces it before sync needs it. A source that
// cannot capture at all (SQLite, CSV) is a warning too.
func (s Sources) CaptureWarnings(ctx context.Context, cfg *config.Config, p *plan.Plan) ([]plan.Warning, error) {
	var out []plan.Warning
	for _, src := range cfg.Sources {
		if src.Capture.Line == 0 {
			continue
		}
		cs, ok := s[src.Name].(sluice.ChangeSource)
		if !ok {
			out = append(out, plan.Warning{Message: fmt.Sprintf("capture on source %s: a %s source has no change log to capture; sync it by merge reruns", src.Name, s[src.Name].Engine())})
			continue
		}
		problems, err := cs.CheckCapture(ctx, CaptureSpec(src, p))
		if err != nil {
			return nil, fmt.Errorf("check capture on source %s: %w", src.Name, err)
		}
		for _, pr := range problems {
			msg := fmt.Sprintf("capture on source %s: %s: %s; to enable: %s", src.Name, pr.Check, pr.Found, pr.Fix)
			if pr.Warning {
				msg = fmt.Sprintf("capture on source %s: %s: %s (advice: %s)", src.Name, pr.Check, pr.Found, pr.Fix)
			}
			out = append(out, plan.Warning{Message: msg})
		}
	}
	return out, nil
}
