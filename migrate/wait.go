package migrate

import (
	"context"
	"slices"
)

// linkJobs makes each job wait for the earlier parts of its merged table
// (parts load one after another, in from order, so that which source owns a
// matched row does not depend on timing) and for the tables it DependsOn.
// Jobs start in plan order, which puts those first, so a waiting job never
// holds a worker that one of its predecessors still needs to start.
func linkJobs(jobs []*job) {
	byID := make(map[string]*job, len(jobs))
	for _, j := range jobs {
		byID[j.table.ID] = j
	}
	for _, j := range jobs {
		t := j.table
		if m := t.Merged; m != nil {
			if i := slices.Index(m.Parts, t.ID); i > 0 {
				j.addAfter(byID[m.Parts[i-1]])
			}
		}
		for _, id := range t.DependsOn {
			j.addAfter(byID[id])
		}
	}
}

func (j *job) addAfter(dep *job) {
	if dep != nil && dep != j && !slices.Contains(j.after, dep) {
		j.after = append(j.after, dep)
	}
}

// waitAfter blocks until every job j waits for has ended, and fails when one
// of them failed: loading on top of a half-loaded parent would settle
// matches and references against rows that are not all there.
func (j *job) waitAfter(ctx context.Context) error {
	for _, dep := range j.after {
		select {
		case <-dep.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if dep.err != nil {
			// Table-local, so that the run goes on with the other tables
			// and reports every table that did not load.
			return &NotStartedError{Table: j.table.ID, Waits: dep.table.ID}
		}
	}
	return nil
}

// finish records how the job ended and releases the jobs waiting for it.
func (j *job) finish(err error) {
	j.err = err
	close(j.done)
}
