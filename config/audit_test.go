package config

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The audit section names the anchor file and the signing key; a relative
// path is taken from the config file's directory, whatever the working
// directory, and ${ENV} expands as anywhere else.
func TestParseAudit(t *testing.T) {
	t.Setenv("AUDIT_KEY", "/etc/sluice/audit.key")
	text := header + "audit:\n  anchor: anchors/heads.log\n  signing_key: ${AUDIT_KEY}\n"
	cfg, err := Parse(strings.NewReader(text), filepath.Join("/srv", "migration", "sluice.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := Audit{Anchor: "/srv/migration/anchors/heads.log", AnchorLine: 6, SigningKey: "/etc/sluice/audit.key", SigningKeyLine: 7}
	if !reflect.DeepEqual(cfg.Audit, want) {
		t.Fatalf("audit %+v, want %+v", cfg.Audit, want)
	}
	cfg, err = Parse(strings.NewReader(header), "sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Audit != (Audit{}) {
		t.Fatalf("a file without audit: gives %+v", cfg.Audit)
	}
}

func TestParseAuditErrors(t *testing.T) {
	got := parseErrors(t, header+"audit:\n  anchr: heads.log\n  signing_key: \"\"\n")
	want := []string{
		`sluice.yaml:6: audit: unknown key "anchr"; did you mean "anchor"? (allowed: anchor, signing_key)`,
		`sluice.yaml:7: audit.signing_key: must not be empty`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
