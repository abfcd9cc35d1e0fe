package migrate

import (
	"context"
	"fmt"

	"github.com/sluicedb/sluice/plan"
)

// advanceIdentities moves the sequence of each identity column past the
// highest value loaded, after every load of the table (a first load, a
// rerun, a merge or append generation, a resumed one), so that the
// application's next insert without a value gets a fresh one. It is
// idempotent: a rerun after a kill moves them to the same place. The next
// values go into the table's audit entry.
func (r *runner) advanceIdentities(ctx context.Context, j *job) error {
	t := j.table
	for _, c := range t.Columns {
		if !c.AutoIncrement {
			continue
		}
		var next int64
		var ok bool
		err := r.retryTarget(ctx, t.ID, func() (err error) { // setval to the maximum: the same again
			next, ok, err = r.tgt.AdvanceIdentity(ctx, plan.AdvanceIdentity(r.plan.Schema, t, c))
			return err
		})
		if err != nil {
			return fmt.Errorf("move the sequence of %s.%s past its loaded values: %w", t.Name, c.Name, err)
		}
		if ok {
			if j.identities == nil {
				j.identities = map[string]int64{}
			}
			j.identities[c.Name] = next
		}
	}
	return nil
}
