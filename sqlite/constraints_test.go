package sqlite

import (
	"fmt"
	"strings"
	"testing"
)

const fidelityShapes = `
CREATE TABLE parent (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL DEFAULT 'it''s' CHECK (length(name) > 0),
  n INT DEFAULT -1,
  at DATETIME DEFAULT CURRENT_TIMESTAMP,
  tag TEXT DEFAULT (lower(hex(randomblob(4)))),
  twice INT GENERATED ALWAYS AS (n * 2) VIRTUAL,
  CONSTRAINT n_small CHECK (n < 100)
);
CREATE TABLE child (
  id INTEGER PRIMARY KEY,
  pid INT REFERENCES parent (id) ON DELETE CASCADE ON UPDATE SET NULL,
  rid INT REFERENCES parent (id) ON DELETE RESTRICT,
  sid INT REFERENCES parent (id),
  CHECK (pid IS NOT NULL OR rid IS NOT NULL)
);`

// Introspection reads defaults as written, the expressions of generated
// columns and the CHECK constraints out of CREATE TABLE (named as
// PostgreSQL would when they have no name), and the foreign key actions.
func TestIntrospectFidelity(t *testing.T) {
	src := openScript(t, fidelityShapes)
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	parent, child := schema.Table("parent"), schema.Table("child")
	var cols []string
	for _, c := range parent.Columns {
		def := "<nil>"
		if c.Default != nil {
			def = *c.Default
		}
		cols = append(cols, fmt.Sprintf("%s auto=%v default=%s generated=%q", c.Name, c.AutoIncrement, def, c.Generated))
	}
	want := []string{
		`id auto=true default=<nil> generated=""`,
		`name auto=false default='it''s' generated=""`,
		`n auto=false default=-1 generated=""`,
		`at auto=false default=CURRENT_TIMESTAMP generated=""`,
		`tag auto=false default=lower(hex(randomblob(4))) generated=""`,
		`twice auto=false default=<nil> generated="n * 2"`,
	}
	if strings.Join(cols, "\n") != strings.Join(want, "\n") {
		t.Errorf("columns:\n%s\nwant:\n%s", strings.Join(cols, "\n"), strings.Join(want, "\n"))
	}
	if got := fmt.Sprint(parent.Checks, child.Checks); got != "[{parent_name_check length(name) > 0} {n_small n < 100}] [{child_check pid IS NOT NULL OR rid IS NOT NULL}]" {
		t.Errorf("checks: %s", got)
	}
	var fks []string
	for _, fk := range child.ForeignKeys {
		fks = append(fks, fmt.Sprintf("%v delete=%q update=%q", fk.Columns, fk.OnDelete, fk.OnUpdate))
	}
	if got := strings.Join(fks, "; "); got != `[sid] delete="" update=""; [rid] delete="RESTRICT" update=""; [pid] delete="CASCADE" update="SET NULL"` {
		t.Errorf("foreign keys: %s", got)
	}
}
