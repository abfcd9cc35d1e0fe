package config

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// unsetenv removes a variable for the test and restores it afterwards.
func unsetenv(t *testing.T, name string) {
	t.Helper()
	t.Setenv(name, "")
	os.Unsetenv(name)
}

func TestEnvExpansion(t *testing.T) {
	t.Setenv("SLUICE_T_WORKERS", "7")
	t.Setenv("SLUICE_T_EMPTY", "")
	t.Setenv("SLUICE_T_HOST", "db9")
	t.Setenv("SLUICE_T_TABLE", "Patients")
	unsetenv(t, "SLUICE_T_UNSET")
	tests := []struct {
		name, defaults string
		workers        int
	}{
		{"set", "workers: ${SLUICE_T_WORKERS}", 7},
		{"set, fallback unused", "workers: ${SLUICE_T_WORKERS:-3}", 7},
		{"unset, fallback", "workers: ${SLUICE_T_UNSET:-3}", 3},
		{"empty, fallback", "workers: ${SLUICE_T_EMPTY:-5}", 5},
		{"quoted", `workers: "${SLUICE_T_WORKERS}"`, 7},
		{"within text", "workers: 1${SLUICE_T_WORKERS}", 17},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(header+"defaults:\n  "+tt.defaults+"\n"), "sluice.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Defaults.Workers != tt.workers {
				t.Errorf("workers = %d, want %d", cfg.Defaults.Workers, tt.workers)
			}
		})
	}
}

// TestEnvEverywhereButKeys: values expand, keys stay as written, and two
// references in one value both expand.
func TestEnvEverywhereButKeys(t *testing.T) {
	t.Setenv("SLUICE_T_HOST", "db9")
	t.Setenv("SLUICE_T_TABLE", "Patients")
	t.Setenv("SLUICE_T_PW", "pa$$ ${word}")
	text := `version: 1
sources:
  clinical: {url: "mysql://app:${SLUICE_T_PW}@${SLUICE_T_HOST}:${SLUICE_T_PORT:-3306}/clinical"}
target: {url: "postgres://${SLUICE_T_HOST}/platform"}
tables:
  clinical.${SLUICE_T_TABLE}:
    target: ${SLUICE_T_TABLE}
`
	cfg, err := Parse(strings.NewReader(text), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Sources[0].URL, "mysql://app:pa$$ ${word}@db9:3306/clinical"; got != want {
		t.Errorf("source URL = %q, want %q: the password verbatim, not expanded again", got, want)
	}
	if got, want := cfg.Target.URL, "postgres://db9/platform"; got != want {
		t.Errorf("target URL = %q, want %q", got, want)
	}
	if r := cfg.Tables[0]; r.Table != "${SLUICE_T_TABLE}" || r.Target != "Patients" {
		t.Errorf("table rule %q -> %q, want the key as written and the value expanded", r.Table, r.Target)
	}
}

func TestEnvErrors(t *testing.T) {
	t.Setenv("SLUICE_T_SECRET", "hunter2")
	t.Setenv("SLUICE_T_BIG", "65")
	unsetenv(t, "SLUICE_T_UNSET")
	unsetenv(t, "SLUICE_T_UNSET2")
	tests := []struct {
		name, defaults string
		want           []string
	}{
		{"unset", "workers: ${SLUICE_T_UNSET}", []string{
			`sluice.yaml:6: defaults.workers: environment variable SLUICE_T_UNSET is not set (write ${SLUICE_T_UNSET:-fallback} for a fallback)`}},
		{"two unset", "legacy_column: ${SLUICE_T_UNSET}_${SLUICE_T_UNSET2}", []string{
			`sluice.yaml:6: defaults.legacy_column: environment variable SLUICE_T_UNSET is not set (write ${SLUICE_T_UNSET:-fallback} for a fallback)`,
			`sluice.yaml:6: defaults.legacy_column: environment variable SLUICE_T_UNSET2 is not set (write ${SLUICE_T_UNSET2:-fallback} for a fallback)`}},
		{"unterminated", "legacy_column: ${SLUICE_T_SECRET", []string{
			`sluice.yaml:6: defaults.legacy_column: unterminated "${": write ${NAME} or ${NAME:-fallback}`}},
		{"bad name", "legacy_column: ${SLUICE-T}", []string{
			`sluice.yaml:6: defaults.legacy_column: invalid variable reference: write ${NAME} or ${NAME:-fallback}, NAME made of letters, digits and _`}},
		{"wrong type after expansion", "workers: ${SLUICE_T_SECRET}", []string{
			`sluice.yaml:6: defaults.workers: expected an integer, got "${SLUICE_T_SECRET}" (after expansion)`}},
		{"enum after expansion", "naming: ${SLUICE_T_SECRET}", []string{
			`sluice.yaml:6: defaults.naming: unknown value "${SLUICE_T_SECRET}" (after expansion) (allowed: camelCase, snake_case, keep)`}},
		{"fallback out of range", "workers: ${SLUICE_T_UNSET:-0}", []string{
			`sluice.yaml:6: defaults.workers: must be between 1 and 64, got 0`}},
		{"variable out of range", "workers: ${SLUICE_T_BIG}", []string{
			`sluice.yaml:6: defaults.workers: must be between 1 and 64, got "${SLUICE_T_BIG}" (after expansion)`}},
		{"fallback of the wrong type", "workers: ${SLUICE_T_UNSET:-many}", []string{
			`sluice.yaml:6: defaults.workers: expected an integer, got "many"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrors(t, header+"defaults:\n  "+tt.defaults+"\n")
			if !slices.Equal(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestNoPasswordInErrors: whether written in the file or taken from the
// environment, a password never appears in an error.
func TestNoPasswordInErrors(t *testing.T) {
	const pw = "hunter2"
	t.Setenv("SLUICE_T_PW", pw)
	t.Setenv("SLUICE_T_URL", "https://app:"+pw+"@db1/x")
	files := []string{
		"version: 1\nsources:\n  web: {url: \"https://app:hunter2@db1/x\"}\ntarget: {url: \"postgres://x/y\"}\n",
		"version: 1\nsources:\n  web: {url: \"https://app:${SLUICE_T_PW}@db1/x\"}\ntarget: {url: \"postgres://x/y\"}\n",
		"version: 1\nsources:\n  web: {url: \"${SLUICE_T_URL}\"}\ntarget: {url: \"postgres://x/y\"}\n",
		"version: 1\nsources:\n  db: {url: \"mysql://a@b/c\"}\ntarget: {url: \"mysql://root:hunter2@h/d\"}\n",
		"version: 1\nsources:\n  db: {url: \"mysql://a@b/c\"}\ntarget: {url: \"mysql://root:${SLUICE_T_PW}@h/d\"}\n",
		"version: 1\nsources:\n  db: {url: \"MySQL://root:hunter2@h/d\"}\ntarget: {url: \"postgres://h/d\"}\n",
		"version: 1\nsources:\n  db: {url: \"mysql//root:hunter2@h/d\"}\ntarget: {url: \"postgres://h/d\"}\n",
		"version: 1\nsources:\n  db: {url: \"mysql://root:hunter2@h/d\", user: x}\ntarget: {url: \"postgres://h/d\"}\n",
		"version: 1\nsources:\n  db: {url: \"mysql://root:hunter2@h/d}\ntarget: {url: \"postgres://h/d\"}\n",
		"version: 1\nsources:\n  db: {url: \"mysql://root:hunter2${SLUICE_T_NOPE@h/d\"}\ntarget: {url: \"postgres://h/d\"}\n",
		"version: 1\nsources:\n  db: {url: \"mysql://root:hunter2${X-Y}@h/d\"}\ntarget: {url: \"postgres://h/d\"}\n",
		"version: 1\nsources:\n  db: mysql://root:hunter2@h/d\ntarget: postgres://root:hunter2@h/d\n",
		"version: 1\nsources:\n  mysql://root:hunter2@h/d: {}\ntarget: {url: \"postgres://h/d\"}\n",
		"version: 1\nsources: {db: {url: \"mysql://h/d\"}}\ntarget: {url: \"postgres://h/d\"}\ntables:\n  db.T:\n    columns:\n      A: {references: \"mysql://root:hunter2@h/d\"}\n",
		header + "defaults:\n  workers: ${SLUICE_T_PW}\n  naming: ${SLUICE_T_PW}\n  key_namespace: ${SLUICE_T_PW}\n",
		header + "tables:\n  clinical.A:\n    skip: ${SLUICE_T_PW}\n    columns:\n      B: {references: \"${SLUICE_T_PW}\"}\n",
	}
	for i, text := range files {
		msgs := parseErrors(t, text)
		for _, m := range msgs {
			if strings.Contains(m, pw) {
				t.Errorf("file %d: error shows the password: %s", i, m)
			}
		}
	}
}
