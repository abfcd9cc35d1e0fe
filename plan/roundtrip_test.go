package plan

import (
	"bytes"
	"slices"
	"testing"

	"github.com/sluicedb/sluice/config"
)

// The starter parses with the config package, and planning the parsed file
// gives the same plan as the config it was written from.
func TestStarterRoundTrip(t *testing.T) {
	t.Setenv("CLINIC_PASSWORD", "pw")
	t.Setenv("TARGET_PASSWORD", "pw")
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteStarter(&buf, fixtureConfig(v.defaults()), fixtureSchemas()); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(&buf, "sluice.yaml")
			if err != nil {
				t.Fatalf("parse the starter: %v", err)
			}
			want := buildVariant(t, v.defaults())
			got, err := Build(cfg, fixtureSchemas())
			if err != nil {
				t.Fatalf("plan the parsed starter: %v", err)
			}
			var a, b bytes.Buffer
			if err := want.Render(&a); err != nil {
				t.Fatal(err)
			}
			if err := got.Render(&b); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() {
				t.Errorf("the parsed starter plans differently:\n%s\nwant:\n%s", b.String(), a.String())
			}
			if !slices.Equal(planIDs(got), planIDs(want)) {
				t.Errorf("tables %v, want %v", planIDs(got), planIDs(want))
			}
		})
	}
}
