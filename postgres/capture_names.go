package postgres

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/sluicedb/sluice"
)

// captureName is spec's slot and publication name: spec.Slot as given, or
// CaptureName of spec.Name.
func captureName(spec sluice.CaptureSpec) string {
	if spec.Slot != "" {
		return spec.Slot
	}
	return CaptureName(spec.Name)
}

// checkSlotName refuses a given slot name that PostgreSQL would not take
// as one (it also goes into replication commands, which cannot quote it).
func checkSlotName(spec sluice.CaptureSpec) error {
	name := captureName(spec)
	if len(name) > 63 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" || name == "" {
		return fmt.Errorf("slot name %q: want lower-case letters, digits and _, at most 63", name)
	}
	return nil
}

// CaptureName is the name of the replication slot and of the publication
// that capture for the migration called name uses: "sluice_", the name in
// lower case with every run of other characters than a-z, 0-9 and _ made
// one "_", cut to fit, then "_" and 8 hex digits of the name's SHA-256, so
// that two names that read alike after the cleaning still differ. At most
// 63 bytes (PostgreSQL's identifier limit), and valid as a slot name,
// which allows only lower-case letters, digits and underscores.
func CaptureName(name string) string {
	sum := sha256.Sum256([]byte(name))
	suffix := "_" + hex.EncodeToString(sum[:4])
	const prefix = "sluice_"
	body := cleanName(name)
	if room := 63 - len(prefix) - len(suffix); len(body) > room {
		body = body[:room]
	}
	return prefix + body + suffix
}

// cleanName lower-cases name and turns each run of characters a slot name
// cannot hold into one underscore.
func cleanName(name string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(name) {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_'
		switch {
		case ok:
			b.WriteRune(r)
			under = r == '_'
		case !under:
			b.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(b.String(), "_")
}
