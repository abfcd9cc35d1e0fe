package main

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedb/sluice/sluicetest"
)

// A config with many problems fails with exit code 2 and lists every one of
// them at once, each with file, line and key, before touching any database.
func TestConfigProblemsAreAllListedWithExit2(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"plan", "migrate", "status"} {
		t.Run(cmd, func(t *testing.T) {
			t.Parallel()
			r := invocation{dir: "testdata"}.run(t, cmd, "--config", "bad_config.yaml")
			wantCode(t, r, 2)
			if r.stdout != "" {
				t.Errorf("a failed %s printed to standard output: %q", cmd, r.stdout)
			}
			golden(t, "bad_config.golden", r.stderr)
		})
	}
}

// Problems that only introspection can find (a table or column that is not
// in the source) are also config errors, all listed with their lines.
func TestConfigReferencesToMissingTablesExit2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "ref.yaml", `version: 1
sources:
  chinook:
    url: `+chinookSQLite(t)+`
target:
  url: postgres://postgres@127.0.0.1:5432/unused
tables:
  chinook.Albums:
    target: albums
  chinook.Track:
    columns:
      Composer: {name: composer}
      Lyrics: {drop: true}
      GenreId: {references: chinook.Genres}
`)
	r := invocation{dir: dir}.run(t, "plan", "--config", "ref.yaml")
	wantCode(t, r, 2)
	golden(t, "missing_references.golden", r.stderr)
}

// A config with problems of its own and names the source does not have
// reports both kinds in one run, in line order: the sources whose URLs are
// right are read for the names, a source with a bad URL is not (nor are its
// tables' names checked). A type with a comma written unquoted in { } is
// explained, not reported as an unknown key "2)".
func TestConfigProblemsAndMissingNamesInOnePass(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "onepass.yaml", `version: 1
sources:
  chinook:
    url: `+chinookSQLite(t)+`
  broken: {url: "mysql://root:hunter2@127.0.0.1:99999/x"}
target:
  url: postgres://postgres@127.0.0.1:5432/unused
defaults: {workers: many}
tables:
  chinook.Albums:
    target: albums
  chinook.Track:
    columns:
      UnitPrice: {type: numeric(10,2)}
      Lyrics: {drop: true}
      GenreId: {references: chinook.Genres}
  broken.Anything:
    skip: true
`)
	for _, cmd := range []string{"plan", "migrate", "verify"} {
		t.Run(cmd, func(t *testing.T) {
			t.Parallel()
			r := invocation{dir: dir}.run(t, cmd, "--config", "onepass.yaml")
			wantCode(t, r, 2)
			golden(t, "one_pass.golden", r.stderr)
		})
	}
}

func TestMissingConfigFileExit2(t *testing.T) {
	t.Parallel()
	r := invocation{dir: t.TempDir()}.run(t, "plan")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, "sluice.yaml") {
		t.Errorf("the message does not name the missing file sluice.yaml:\n%s", r)
	}
}

// Mistakes on the command line are exit code 2, with a one-line message and
// no usage dump or stack trace.
func TestCommandLineMistakesExit2(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown command", []string{"migrat"}, `unknown command "migrat"`},
		{"unknown flag", []string{"plan", "--bogus"}, "unknown flag: --bogus"},
		{"unknown shorthand", []string{"migrate", "-z"}, "unknown shorthand flag: 'z'"},
		{"flag without value", []string{"migrate", "--max-rejects"}, "flag needs an argument"},
		{"bad flag value", []string{"migrate", "--workers", "many"}, "invalid argument"},
		{"extra argument", []string{"status", "now"}, "now"},
		{"demo with too few rows", []string{"demo", "--rows", "5"}, "--rows 5"},
		{"bad init keys", []string{"init", "--source", "a=sqlite:x.db", "--target", "postgres://x/y", "--keys", "guid"}, `--keys "guid"`},
		{"init source without name", []string{"init", "--source", "sqlite:x.db", "--target", "postgres://x/y"}, "write name=URL"},
		{"init without required flags", []string{"init"}, `"source"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{dir: t.TempDir()}.run(t, c.args...)
			wantCode(t, r, 2)
			if !strings.HasPrefix(r.stderr, "sluice: ") || !strings.Contains(r.stderr, c.msg) {
				t.Errorf("want a message with %q, got:\n%s", c.msg, r)
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "Usage:") {
				t.Errorf("want a short message, got:\n%s", r)
			}
		})
	}
}

// An unreachable source or target is exit code 3; the message names the
// host and the cause, and the password appears nowhere, neither as typed
// nor as expanded from the environment.
func TestUnreachableDatabaseExit3(t *testing.T) {
	t.Parallel()
	const dead = "postgres://postgres:secret@127.0.0.1:1/x"
	chinook := chinookSQLite(t)
	dir := t.TempDir()
	writeFile(t, dir, "target.yaml", "version: 1\nsources:\n  c:\n    url: "+chinook+"\ntarget:\n  url: "+dead+"\n")
	writeFile(t, dir, "source.yaml", "version: 1\nsources:\n  app:\n    url: mysql://root:secret@127.0.0.1:1/x\ntarget:\n  url: postgres://postgres@127.0.0.1:5432/x\n")
	writeFile(t, dir, "env.yaml", "version: 1\nsources:\n  c:\n    url: "+chinook+"\ntarget:\n  url: postgres://postgres:${SLUICE_CLI_TEST_PW}@127.0.0.1:1/x\n")
	cases := []struct {
		name string
		args []string
		host string
	}{
		{"status target flag", []string{"status", "--target", dead}, "127.0.0.1:1"},
		{"status encoded password", []string{"status", "--target", "postgres://postgres:se%2Fc%40secret@127.0.0.1:1/x"}, "127.0.0.1:1"},
		{"migrate target", []string{"migrate", "--config", "target.yaml"}, "127.0.0.1:1"},
		{"status config target", []string{"status", "--config", "target.yaml"}, "127.0.0.1:1"},
		{"plan source", []string{"plan", "--config", "source.yaml"}, "127.0.0.1:1"},
		{"migrate source", []string{"migrate", "--config", "source.yaml"}, "127.0.0.1:1"},
		{"migrate password from env", []string{"migrate", "--config", "env.yaml"}, "127.0.0.1:1"},
		{"init source", []string{"init", "--source", "a=mysql://root:secret@127.0.0.1:1/x", "--target", dead}, "127.0.0.1:1"},
		{"init wrong mysql password", []string{"init", "--source", "a=" + wrongMySQLPassword(t), "--target", dead}, hostOf(t, sluicetest.MySQLURL())},
		{"init missing sqlite file", []string{"init", "--source", "a=sqlite:" + filepath.Join(dir, "none.db"), "--target", dead}, "none.db"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{dir: dir, env: []string{"SLUICE_CLI_TEST_PW=secret"}}.run(t, c.args...)
			wantCode(t, r, 3)
			if !strings.Contains(r.stderr, c.host) {
				t.Errorf("the message does not name %q:\n%s", c.host, r)
			}
			mustNotContain(t, r, "secret", "se/c@")
		})
	}
}

func hostOf(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse %s: %v", raw, err)
	}
	return u.Host
}

// wrongMySQLPassword is the test server's URL with a password it rejects.
func wrongMySQLPassword(t *testing.T) string {
	return withPassword(t, sluicetest.MySQLURL(), "secret")
}
