package metrics

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// Every metric the collector exposes is documented in docs/METRICS.md,
// with a name that follows Prometheus conventions (a counter ends in
// _total, a unit in its base unit).
func TestEveryMetricIsDocumented(t *testing.T) {
	docs, err := os.ReadFile("../docs/METRICS.md")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`fqName: "([a-z0-9_]+)"`)
	for _, d := range append(append([]*prometheus.Desc(nil), allDescs...), syncDescs...) {
		m := name.FindStringSubmatch(d.String())
		if m == nil {
			t.Fatalf("no name in %s", d)
		}
		if !strings.Contains(string(docs), "`"+m[1]+"`") {
			t.Errorf("docs/METRICS.md does not document %s", m[1])
		}
		if strings.Contains(m[1], "milliseconds") || strings.Contains(m[1], "_ms") {
			t.Errorf("%s: Prometheus measures time in seconds", m[1])
		}
	}
}

func TestListenAddrBindsLoopbackByDefault(t *testing.T) {
	for in, want := range map[string]string{":9464": "127.0.0.1:9464", "9464": "127.0.0.1:9464",
		"0.0.0.0:9464": "0.0.0.0:9464", "[::1]:9464": "[::1]:9464"} {
		if got := ListenAddr(in); got != want {
			t.Errorf("ListenAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
