package plan

import (
	"github.com/sluicedb/sluice/config"
)

// Several target databases: every table loads into one of them, named by
// its rule (or its merged table's rule), else into the first. A reference
// between tables of two databases cannot be a constraint; it is kept on the
// foreign key with RefDatabase set, and checked for orphans instead.

// databases lists the config's target databases, with their schemas; a
// config built without targets: has its one target.
func databases(cfg *config.Config) []Database {
	if len(cfg.Targets) == 0 {
		return []Database{{Name: or(cfg.Target.Name, config.DefaultTargetName), Schema: or(cfg.Target.Schema, "public")}}
	}
	dbs := make([]Database, len(cfg.Targets))
	for i, t := range cfg.Targets {
		dbs[i] = Database{Name: t.Name, Schema: or(t.Schema, "public")}
	}
	return dbs
}

// database returns the target database called name, or nil.
func (s *settings) database(name string) *Database {
	for i := range s.databases {
		if s.databases[i].Name == name {
			return &s.databases[i]
		}
	}
	return nil
}

func (s *settings) databaseNames() []string {
	names := make([]string, len(s.databases))
	for i, d := range s.databases {
		names[i] = d.Name
	}
	return names
}

// placeTable sets the table's database and schema; an unknown name was
// reported by checkRules and falls back to the first database.
func (b *builder) placeTable(t *Table, name string) {
	db := b.set.database(name)
	if db == nil {
		db = &b.set.databases[0]
	}
	t.Database, t.Schema = db.Name, db.Schema
}

// checkDatabase reports a rule naming a database that targets: lacks.
func (b *builder) checkDatabase(line int, key, name string) {
	if name != "" && b.set.database(name) == nil {
		b.fail(line, key, "unknown target database %q (targets: %s)%s", name, joinCols(b.set.databaseNames()), suggest(name, b.set.databaseNames()))
	}
}

// refDatabase is what a foreign key from st to ref records: ref's database
// when it is another one, else "".
func refDatabase(st, ref *tableState) string {
	if ref.t.Database == st.t.Database {
		return ""
	}
	return ref.t.Database
}

// ForDatabase is the part of the plan that loads into one target database:
// its tables in load order, with that database's schema, the same key
// namespace and every warning, and the drift of its merged tables. The
// runner migrates each database with its own plan.
func (p *Plan) ForDatabase(name string) *Plan {
	q := &Plan{Namespace: p.Namespace, Warnings: p.Warnings}
	for _, d := range p.Databases {
		if d.Name == name {
			q.Schema, q.Databases = d.Schema, []Database{d}
		}
	}
	for _, t := range p.Tables {
		if t.Database == name {
			q.Tables = append(q.Tables, t)
		}
	}
	for _, d := range p.Drift {
		if d.Database == name {
			q.Drift = append(q.Drift, d)
		}
	}
	q.Views = p.ViewsOf(name)
	return q
}
