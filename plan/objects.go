package plan

import (
	"fmt"

	"github.com/sluicedb/sluice"
)

// objectLoss says why an object other than a view is not carried over.
var objectLoss = map[sluice.ObjectKind]string{
	sluice.ObjectTrigger:          "triggers are not carried over (their bodies are the source's SQL); rewrite it as a PL/pgSQL trigger after the load (created before, it would fire for every loaded row)",
	sluice.ObjectProcedure:        "stored procedures are not carried over; rewrite it in PL/pgSQL",
	sluice.ObjectFunction:         "stored functions are not carried over; rewrite it in PL/pgSQL or SQL",
	sluice.ObjectEvent:            "scheduled events are not carried over; schedule the job with cron or pg_cron",
	sluice.ObjectSequence:         "a sequence that no column owns is not carried over; create it on the target and set it past the source's value before the cutover",
	sluice.ObjectMaterializedView: "materialized views are not carried over; create it on the target and REFRESH it after the load",
}

// planObjects plans each source's views, and lists every other object
// (trigger, routine, event, sequence) as not carried over, with a warning:
// none disappears without a word.
func (b *builder) planObjects() {
	for _, s := range b.schemas {
		for _, o := range s.Objects {
			if o.Kind == sluice.ObjectView {
				b.planView(s, o)
				continue
			}
			why, ok := objectLoss[o.Kind]
			if !ok {
				why = string(o.Kind) + "s are not carried over"
			}
			b.loseObject(s, o, why)
		}
	}
}

// loseObject records an object that the target will not have.
func (b *builder) loseObject(s *sluice.Schema, o sluice.Object, why string) {
	what := string(o.Kind) + " " + o.Name
	if o.Table != "" {
		what += " on " + o.Table
	}
	b.losses = append(b.losses, Loss{Source: s.Source, Table: o.Table, What: what, Why: why})
	b.warn("", fmt.Sprintf("source %s: %s is not carried over (see Not carried over)", s.Source, what))
}
