package plan

import "fmt"

// CreateView creates a planned view after every table is loaded.
func CreateView(v View) string {
	return fmt.Sprintf("CREATE VIEW %s AS %s;", qualified(v.Schema, v.Target), v.Query)
}

// DropView removes a planned view before a run touches the tables: a table
// a view reads cannot be dropped and recreated under it. CreateView makes
// it again after the load.
func DropView(v View) string {
	return fmt.Sprintf("DROP VIEW IF EXISTS %s;", qualified(v.Schema, v.Target))
}

// ViewsOf lists the views of one target database.
func (p *Plan) ViewsOf(database string) []View {
	var out []View
	for _, v := range p.Views {
		if v.Database == database {
			out = append(out, v)
		}
	}
	return out
}
