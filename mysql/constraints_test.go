package mysql_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluicedb/sluice"
	"github.com/sluicedb/sluice/sluicetest"
)

const fidelityScript = `
CREATE TABLE parent (
  id int AUTO_INCREMENT PRIMARY KEY,
  name varchar(20) NOT NULL DEFAULT 'it''s' COMMENT 'the "name"',
  n int DEFAULT 5,
  d decimal(5,2) DEFAULT 1.50,
  created datetime DEFAULT CURRENT_TIMESTAMP,
  upd timestamp(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3),
  u char(36) DEFAULT (uuid()),
  b tinyint(1) DEFAULT 1,
  bits bit(3) DEFAULT b'101',
  e enum('a','b') DEFAULT 'a',
  j json,
  g int AS (n * 2) VIRTUAL,
  nothing varchar(5) DEFAULT NULL,
  word varchar(5) DEFAULT 'NULL',
  ex int DEFAULT (n + 1),
  CONSTRAINT chk_n CHECK (n > 0),
  CHECK (name <> '')
) COMMENT 'the parent table';
CREATE TABLE child (
  id int PRIMARY KEY,
  pid int,
  rid int,
  q int CHECK (q BETWEEN 1 AND 10),
  CONSTRAINT fk_cascade FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE SET NULL,
  CONSTRAINT fk_plain FOREIGN KEY (rid) REFERENCES parent (id)
);`

// Introspection reads defaults as expressions of MySQL's dialect (string
// literals quoted, NULL as none), ON UPDATE, generation expressions,
// comments, CHECK constraints (without MariaDB's json_valid on a JSON
// column) and the actions of foreign keys (MariaDB reports a foreign key
// declared without one as RESTRICT, which InnoDB's NO ACTION is).
func TestIntrospectFidelity(t *testing.T) {
	url := sluicetest.NewMySQLDB(t)
	sluicetest.ExecMySQL(t, url, fidelityScript)
	src := openSource(t, url)
	defer src.Close()
	schema, err := src.Introspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	parent, child := schema.Table("parent"), schema.Table("child")
	want := []string{
		"id auto=true default=<nil>",
		"name default='it''s' comment=\"the \\\"name\\\"\"",
		"n default=5", "d default=1.50", "created default=current_timestamp()",
		"upd default=current_timestamp(3) on update=current_timestamp(3)",
		"u default=uuid()", "b default=1", "bits default=b'101'", "e default='a'", "j default=<nil>",
		"g default=<nil> generated=`n` * 2", "nothing default=<nil>", "word default='NULL'", "ex default=(`n` + 1)",
	}
	for i, c := range parent.Columns {
		if got := describe(c); i >= len(want) || got != want[i] {
			t.Errorf("column %d: %s, want %s", i, got, want[min(i, len(want)-1)])
		}
	}
	if got := fmt.Sprint(parent.Checks, child.Checks, parent.Comment); got != "[{chk_n `n` > 0} {CONSTRAINT_1 `name` <> ''}] [{q `q` between 1 and 10}]the parent table" {
		t.Errorf("checks and comment: %s", got)
	}
	var fks []string
	for _, fk := range child.ForeignKeys {
		fks = append(fks, fmt.Sprintf("%s delete=%q update=%q", fk.Name, fk.OnDelete, fk.OnUpdate))
	}
	if got := strings.Join(fks, "; "); got != `fk_cascade delete="CASCADE" update="SET NULL"; fk_plain delete="RESTRICT" update="RESTRICT"` {
		t.Errorf("foreign keys: %s", got)
	}
}

func describe(c sluice.Column) string {
	s := c.Name
	if c.AutoIncrement {
		s += " auto=true"
	}
	def := "<nil>"
	if c.Default != nil {
		def = *c.Default
	}
	s += " default=" + def
	if c.OnUpdate != "" {
		s += " on update=" + c.OnUpdate
	}
	if c.Generated != "" {
		s += " generated=" + c.Generated
	}
	if c.Comment != "" {
		s += fmt.Sprintf(" comment=%q", c.Comment)
	}
	return s
}
