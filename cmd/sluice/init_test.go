package main

import (
	"database/sql"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/sluicedb/sluice/sluicetest"
)

// starter is the part of the file init writes that these tests check.
type starter struct {
	Defaults struct {
		Naming string `yaml:"naming"`
		Keys   string `yaml:"keys"`
	} `yaml:"defaults"`
	Tables map[string]struct {
		Target  string                       `yaml:"target"`
		Columns map[string]map[string]string `yaml:"columns"`
	} `yaml:"tables"`
}

// init on Chinook writes a config that plan accepts as it is, with every
// table and column of the source in both, named by the naming rule.
func TestInitWritesAConfigThatPlanAccepts(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		u := chinookSQLite(t)
		db, err := sql.Open("sqlite", strings.TrimPrefix(u, "sqlite:")+"?mode=ro")
		if err != nil {
			t.Fatalf("open Chinook: %v", err)
		}
		defer db.Close()
		checkInitPlan(t, u, sourceColumns(t, db, `SELECT m.name || '.' || p.name FROM sqlite_master m,
			pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`))
	})
	t.Run("mysql", func(t *testing.T) {
		t.Parallel()
		u := sluicetest.ChinookMySQL(t)
		checkInitPlan(t, u, sourceColumns(t, mysqlDB(t, u), `SELECT CONCAT(table_name, '.', column_name)
			FROM information_schema.columns WHERE table_schema = DATABASE()`))
	})
}

// sourceColumns reads "Table.Column" rows into table -> columns, and checks
// that the source is the whole of Chinook.
func sourceColumns(t *testing.T, db *sql.DB, query string) map[string][]string {
	t.Helper()
	cols := map[string][]string{}
	for _, tc := range sqlStrings(t, db, query) {
		table, col, _ := strings.Cut(tc, ".")
		cols[table] = append(cols[table], col)
	}
	if got, want := slices.Sorted(maps.Keys(cols)), slices.Sorted(maps.Keys(sluicetest.ChinookRows)); !slices.Equal(got, want) {
		t.Fatalf("the source holds the tables %v, want Chinook's %v", got, want)
	}
	return cols
}

func checkInitPlan(t *testing.T, srcURL string, cols map[string][]string) {
	t.Helper()
	dir := t.TempDir()
	r := runSluice(t, "init", "--source", "chinook="+srcURL, "--target", "postgres://postgres@127.0.0.1:5432/unused",
		"--keys", "uuid", "--naming", "camelCase")
	wantCode(t, r, 0)
	writeFile(t, dir, "chinook.yaml", r.stdout)
	checkStarter(t, r.stdout, cols)
	p := invocation{dir: dir}.run(t, "plan", "--config", "chinook.yaml")
	wantCode(t, p, 0)
	checkPlan(t, p.stdout, cols)
}

// checkStarter asserts the file has the chosen defaults and a rule for every
// source table and column, with camelCase target names.
func checkStarter(t *testing.T, file string, cols map[string][]string) {
	t.Helper()
	var s starter
	if err := yaml.Unmarshal([]byte(file), &s); err != nil {
		t.Fatalf("init wrote YAML that does not parse: %v\n%s", err, file)
	}
	if s.Defaults.Keys != "uuid" || s.Defaults.Naming != "camelCase" {
		t.Errorf("defaults are keys %q naming %q, want uuid and camelCase", s.Defaults.Keys, s.Defaults.Naming)
	}
	for table, names := range cols {
		rule, ok := s.Tables["chinook."+table]
		if !ok {
			t.Errorf("the config has no rule for table chinook.%s", table)
			continue
		}
		if rule.Target != lowerFirst(table) {
			t.Errorf("chinook.%s targets %q, want %q", table, rule.Target, lowerFirst(table))
		}
		for _, c := range names {
			if got := rule.Columns[c]["name"]; got != lowerFirst(c) {
				t.Errorf("column chinook.%s.%s is named %q in the config, want %q", table, c, got, lowerFirst(c))
			}
		}
		if len(rule.Columns) != len(names) {
			t.Errorf("chinook.%s has %d column rules, want %d", table, len(rule.Columns), len(names))
		}
	}
	if len(s.Tables) != len(cols) {
		t.Errorf("the config has %d table rules, want %d", len(s.Tables), len(cols))
	}
}

// checkPlan asserts the plan shows every table and every source column.
func checkPlan(t *testing.T, out string, cols map[string][]string) {
	t.Helper()
	sections := planSections(out)
	if len(sections) != len(cols) {
		t.Errorf("the plan shows %d tables, want %d:\n%s", len(sections), len(cols), out)
	}
	for table, names := range cols {
		lines, ok := sections["chinook."+table]
		if !ok {
			t.Errorf("the plan does not show chinook.%s:\n%s", table, out)
			continue
		}
		for _, c := range names {
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, c+" ") }) {
				t.Errorf("the plan of chinook.%s does not map column %s:\n%s", table, c, strings.Join(lines, "\n"))
			}
		}
	}
}

// planSections splits plan output into each table's lines, trimmed, keyed by
// the table's source ID (from headings such as "2. chinook.Album -> album").
func planSections(out string) map[string][]string {
	sections := map[string][]string{}
	var current string
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 3 && strings.HasSuffix(fields[0], ".") && fields[2] == "->":
			current = fields[1]
			sections[current] = nil
		case strings.TrimSpace(line) == "":
			current = ""
		case current != "":
			sections[current] = append(sections[current], strings.TrimSpace(line))
		}
	}
	return sections
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// A password typed in a URL never reaches the file or the terminal: init
// writes a ${NAME_PASSWORD} reference for each, and says so.
func TestInitNeverWritesThePassword(t *testing.T) {
	t.Parallel()
	const pw = "Sup3r-s3cret"
	pg := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, pg, "CREATE TABLE accounts (id int PRIMARY KEY, name text)")
	r := runSluice(t, "init", "--source", "billing="+withPassword(t, pg, pw), "--source", "chinook="+chinookSQLite(t),
		"--target", withPassword(t, pg, pw))
	wantCode(t, r, 0)
	mustNotContain(t, r, pw)
	for _, ref := range []string{"${BILLING_PASSWORD}", "${TARGET_PASSWORD}"} {
		if !strings.Contains(r.stdout, ref) {
			t.Errorf("the config does not reference %s:\n%s", ref, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "${NAME_PASSWORD}") {
		t.Errorf("init does not tell that the passwords became references:\n%s", r.stderr)
	}
	dir := t.TempDir()
	writeFile(t, dir, "sluice.yaml", r.stdout)
	p := invocation{dir: dir, env: []string{"BILLING_PASSWORD=" + pw, "TARGET_PASSWORD=" + pw}}.run(t, "plan")
	wantCode(t, p, 0)
	mustNotContain(t, p, pw)
	if !strings.Contains(p.stdout, "billing.accounts") {
		t.Errorf("the plan does not show billing.accounts:\n%s", p.stdout)
	}
}

// init --help names the environment variables init writes: the names in
// its text are exactly those a source named clinical and the target get.
func TestInitHelpNamesTheVariablesInitWrites(t *testing.T) {
	t.Parallel()
	help := runSluice(t, "init", "--help")
	wantCode(t, help, 0)
	refs := regexp.MustCompile(`\$\{[A-Z_]+\}`).FindAllString(help.stdout, -1)
	if len(refs) == 0 {
		t.Fatalf("init --help names no environment variable:\n%s", help.stdout)
	}
	pg := sluicetest.NewPostgresDB(t)
	sluicetest.ExecPostgres(t, pg, "CREATE TABLE accounts (id int PRIMARY KEY)")
	r := runSluice(t, "init", "--source", "clinical="+withPassword(t, pg, "pw"), "--target", withPassword(t, pg, "pw"))
	wantCode(t, r, 0)
	for _, ref := range refs {
		if !strings.Contains(r.stdout, ref) {
			t.Errorf("init --help names %s, but init writes:\n%s", ref, r.stdout)
		}
	}
}
