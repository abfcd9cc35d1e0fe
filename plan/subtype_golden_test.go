package plan

import "testing"

// The rendered plan and the DDL of the EMR fixture.
func TestGoldenSubtypes(t *testing.T) {
	p := emrPlan(t)
	golden(t, "subtype.plan.golden", render(t, p))
	golden(t, "subtype.sql.golden", []byte(ddlScript(p)))
}
