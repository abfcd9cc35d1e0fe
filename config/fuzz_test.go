package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, and returns either a config or Errors that
// name the file and are sorted by line.
func FuzzParse(f *testing.F) {
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		f.Fatal(err)
	}
	merge, err := os.ReadFile("testdata/merge.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(full), string(merge), header, "", pair,
		mergeHeader + "  p: {from: [east.A, east.B, wst.C], prefer: [west], latest: x, manual: true}\n  east.A: {target: q, fill: {a: ~}}\n",
		mergeHeader + "  east.A:\n    expand: {t: {count: N, list: L, separator: \"\"}}\n    computed: {c: {expr: ${E}}}\n",
		header + "tables:\n  clinical.A:\n    columns:\n      X: {drop: true, name: x}\n",
		"a: &x {b: *x}\ntables: &t {s.t: *t}\n",
		"version: ${V:-1}\nsources: {a: {url: \"${U\"}}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := Parse(strings.NewReader(text), "f.yaml")
		if err == nil {
			if cfg == nil || cfg.Version != 1 || len(cfg.Sources) == 0 || len(cfg.Targets) == 0 ||
				cfg.Target != cfg.Targets[0] || cfg.Target.URL == "" {
				t.Fatalf("accepted an incomplete config: %+v", cfg)
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error %T %v, want Errors", err, err)
		}
		for i, e := range es {
			if e.File != "f.yaml" || e.Msg == "" || i > 0 && es[i-1].Line > e.Line {
				t.Fatalf("bad error %d in\n%v", i, err)
			}
		}
	})
}
