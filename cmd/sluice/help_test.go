package main

import (
	"slices"
	"strings"
	"testing"
)

// Every command of sluice documents itself: a description, a usage line and
// examples, printed to standard output with exit code 0.
func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	t.Parallel()
	cmds := listedCommands(t)
	for _, want := range []string{"init", "plan", "migrate", "status", "demo", "version"} {
		if !slices.Contains(cmds, want) {
			t.Errorf("sluice --help does not list the command %s (lists %v)", want, cmds)
		}
	}
	for _, name := range cmds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := runSluice(t, name, "--help")
			wantCode(t, r, 0)
			checkHelp(t, r.stdout, "sluice "+name, "Examples:\n  sluice "+name)
		})
	}
	t.Run("root", func(t *testing.T) {
		t.Parallel()
		r := runSluice(t, "--help")
		wantCode(t, r, 0)
		// The root command's examples are its "Typical session".
		checkHelp(t, r.stdout, "sluice [command]", "Typical session:\n  sluice init")
		if !strings.Contains(r.stdout, "Exit codes:") {
			t.Errorf("sluice --help does not document the exit codes:\n%s", r.stdout)
		}
	})
}

// checkHelp asserts that help starts with a description, then has a usage
// line for usage and an example section starting with examples.
func checkHelp(t *testing.T, help, usage, examples string) {
	t.Helper()
	desc, rest, ok := strings.Cut(help, "\nUsage:\n")
	if !ok || len(strings.TrimSpace(desc)) < 20 {
		t.Fatalf("want a description, then Usage:, got:\n%s", help)
	}
	if !strings.HasPrefix(rest, "  "+usage) {
		t.Errorf("want the usage line %q, got:\n%s", usage, help)
	}
	if !strings.Contains(help, examples) {
		t.Errorf("want an example section starting %q, got:\n%s", examples, help)
	}
}

// listedCommands are the commands sluice --help lists, without cobra's own
// help and completion.
func listedCommands(t *testing.T) []string {
	t.Helper()
	r := runSluice(t, "--help")
	wantCode(t, r, 0)
	_, list, ok := strings.Cut(r.stdout, "Available Commands:\n")
	if !ok {
		t.Fatalf("sluice --help lists no commands:\n%s", r.stdout)
	}
	list, _, _ = strings.Cut(list, "\n\n")
	var out []string
	for _, line := range strings.Split(list, "\n") {
		name := strings.Fields(line)[0]
		if name != "help" && name != "completion" {
			out = append(out, name)
		}
	}
	return out
}
