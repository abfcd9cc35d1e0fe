// Package deploy holds what operators deploy beside Sluice: Prometheus
// alerting rules and their unit tests, and a Grafana dashboard. Its Go test
// runs promtool on the rules and checks that every metric they and the
// dashboard name is one docs/METRICS.md documents.
package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// promtool finds promtool; under CI=true its absence fails the test
// (scripts/services.sh installs Debian's prometheus package).
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no promtool on this machine: scripts/services.sh installs it (apt-get install prometheus)")
	}
	t.Skip("no promtool on this machine (apt-get install prometheus)")
	return ""
}

func TestAlertRulesPassPromtool(t *testing.T) {
	t.Parallel()
	tool := promtool(t)
	for _, args := range [][]string{
		{"check", "rules", "prometheus/alerts.yml"},
		{"test", "rules", "prometheus/alerts_test.yml"},
	} {
		out, err := exec.Command(tool, args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}

// metricName matches the metric names in rules and panel queries.
var metricName = regexp.MustCompile(`\bsluice_[a-z0-9_]+\b`)

func TestEveryMetricUsedIsDocumented(t *testing.T) {
	t.Parallel()
	docs := read(t, "../docs/METRICS.md")
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("`(sluice_[a-z0-9_]+)").FindAllStringSubmatch(docs, -1) {
		documented[m[1]] = true
	}
	for _, file := range []string{"prometheus/alerts.yml", "prometheus/alerts_test.yml", "grafana/sluice.json"} {
		for _, name := range metricName.FindAllString(read(t, file), -1) {
			if !documented[name] {
				t.Errorf("%s uses %s, which docs/METRICS.md does not document", file, name)
			}
		}
	}
}

func TestGrafanaDashboardIsJSONWithPanels(t *testing.T) {
	t.Parallel()
	var d struct {
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(read(t, "grafana/sluice.json")), &d); err != nil {
		t.Fatalf("grafana/sluice.json: %v", err)
	}
	if d.Title == "" || len(d.Panels) < 8 {
		t.Fatalf("grafana/sluice.json has title %q and %d panels", d.Title, len(d.Panels))
	}
	for _, p := range d.Panels {
		if len(p.Targets) == 0 || p.Targets[0].Expr == "" {
			t.Errorf("panel %q queries nothing", p.Title)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
