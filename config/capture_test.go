package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCapture(t *testing.T) {
	const text = `version: 1
sources:
  billing:
    url: postgres://reader@db2/billing
    capture: {replica_identity_full: true, slot: sluice_billing}
  shop:
    url: mysql://reader@db1/shop
    capture:
      server_id: 4012
  plain:
    url: sqlite:///data/plain.db
target:
  url: postgres://sluice@pg/platform
`
	cfg, err := Parse(strings.NewReader(text), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := []Capture{cfg.Sources[0].Capture, cfg.Sources[1].Capture, cfg.Sources[2].Capture}
	want := []Capture{{ReplicaIdentityFull: true, Slot: "sluice_billing", Line: 5}, {ServerID: 4012, Line: 8}, {}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestParseCaptureErrors(t *testing.T) {
	const text = `version: 1
sources:
  billing:
    url: postgres://reader@db2/billing
    capture: {replica_identity_full: yes please, slot: Not-A-Slot, server_id: 3}
  shop:
    url: mysql://reader@db1/shop
    capture: {server_id: 0, slot: s, colour: red}
target:
  url: postgres://sluice@pg/platform
`
	got := strings.Join(parseErrors(t, text), "\n")
	for _, want := range []string{
		"sluice.yaml:5: sources.billing.capture.replica_identity_full: expected true or false",
		`sluice.yaml:5: sources.billing.capture.slot: slot "Not-A-Slot" is not a slot name`,
		"sluice.yaml:5: sources.billing.capture.server_id: applies only to a MySQL/MariaDB source",
		"sluice.yaml:8: sources.shop.capture.server_id: must be between 1 and 4294967295, got 0",
		"sluice.yaml:8: sources.shop.capture.slot: applies only to a PostgreSQL source",
		"colour",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors\n%s\nlack %q", got, want)
		}
	}
}
