package tds

import (
	"embed"
	"fmt"
	"sort"
	"strings"
)

// fixtureFS holds the fixture scripts the package ships. Chinook is not
// among them: its script lives in sluicetest/testdata with its licence,
// and sluicetest serves it.
//
//go:embed fixtures/*.sql
var fixtureFS embed.FS

// FixtureNames lists the fixtures LoadFixture knows.
func FixtureNames() []string {
	entries, _ := fixtureFS.ReadDir("fixtures")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".sql"))
	}
	sort.Strings(names)
	return names
}

// FixtureScript returns the T-SQL script of a fixture, which also builds
// it on a real SQL Server.
func FixtureScript(name string) (string, error) {
	b, err := fixtureFS.ReadFile("fixtures/" + name + ".sql")
	if err != nil {
		return "", fmt.Errorf("no fixture %q (have %s)", name, strings.Join(FixtureNames(), ", "))
	}
	return string(b), nil
}

// LoadFixture builds the databases of a fixture.
func LoadFixture(name string) ([]*Database, error) {
	script, err := FixtureScript(name)
	if err != nil {
		return nil, err
	}
	dbs, err := LoadScript(script)
	if err != nil {
		return nil, fmt.Errorf("fixture %s: %w", name, err)
	}
	return dbs, nil
}
