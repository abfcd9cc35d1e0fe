package config

import "path/filepath"

var auditKeys = []string{"anchor", "signing_key"}

// Audit is the audit: section: how every command that writes audit entries
// (migrate, verify, conflicts resolve) keeps the end of the trail. A command
// line flag overrides each key.
type Audit struct {
	// Anchor is the append-only file each command appends its audit head to
	// and checks the trail against before it writes (see package audit);
	// "" for none.
	Anchor string
	// SigningKey is the ed25519 private key that signs those heads; "" for
	// unsigned heads.
	SigningKey string
	// Lines of the keys, for messages about the files they name.
	AnchorLine, SigningKeyLine int
}

// audit decodes the audit section. A relative path is taken from the config
// file's directory, so that the anchor does not depend on where sluice runs:
// a new, empty anchor in the wrong directory would check nothing.
func (d *decoder) audit(f field) Audit {
	var out Audit
	fs, _ := d.object(f, auditKeys)
	if v, ok := fs["anchor"]; ok {
		out.Anchor, _ = d.str(v, false)
		out.Anchor, out.AnchorLine = d.nearConfig(out.Anchor), v.line
	}
	if v, ok := fs["signing_key"]; ok {
		out.SigningKey, _ = d.str(v, false)
		out.SigningKey, out.SigningKeyLine = d.nearConfig(out.SigningKey), v.line
	}
	return out
}

// nearConfig resolves a relative path against the config file's directory.
func (d *decoder) nearConfig(path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(filepath.Dir(d.file), path)
}
