package config

import (
	"math"
	"regexp"
	"strings"
)

// Capture holds a source's change-capture settings (sources.<name>.capture),
// which sluice sync passes to the source as a sluice.CaptureSpec.
type Capture struct {
	// ReplicaIdentityFull is the consent to ALTER TABLE ... REPLICA
	// IDENTITY FULL on the PostgreSQL source's tables that have no primary
	// key, without which they are not captured.
	ReplicaIdentityFull bool
	// ServerID is the replica server id of the MariaDB stream; 0 derives
	// one from the migration's name.
	ServerID uint32
	// Slot names the PostgreSQL replication slot and publication; ""
	// derives them from the migration's name.
	Slot string
	Line int
}

var (
	captureKeys = []string{"replica_identity_full", "server_id", "slot"}
	slotName    = regexp.MustCompile(`^[a-z0-9_]{1,63}$`)
)

// capture decodes a source's capture settings; each key is checked against
// the source's engine.
func (d *decoder) capture(f field, url string) Capture {
	c := Capture{Line: f.line}
	fs, ok := d.object(f, captureKeys)
	if !ok {
		return c
	}
	postgres := strings.HasPrefix(url, "postgres")
	if v, ok := fs["replica_identity_full"]; ok {
		c.ReplicaIdentityFull, _ = d.boolean(v)
		d.onlyFor(v, postgres, "a PostgreSQL source")
	}
	if v, ok := fs["slot"]; ok {
		c.Slot, _ = d.str(v, false)
		if c.Slot != "" && !slotName.MatchString(c.Slot) {
			d.fail(v.line, v.path, "slot %s is not a slot name: lower-case letters, digits and _, at most 63", quote(c.Slot))
		}
		d.onlyFor(v, postgres, "a PostgreSQL source")
	}
	if v, ok := fs["server_id"]; ok {
		id, _ := d.integer(v, 1, math.MaxUint32)
		c.ServerID = uint32(id)
		d.onlyFor(v, strings.HasPrefix(url, "mysql"), "a MySQL/MariaDB source")
	}
	return c
}

// onlyFor refuses a key that means nothing for the source's engine.
func (d *decoder) onlyFor(f field, applies bool, what string) {
	if !applies {
		d.fail(f.line, f.path, "applies only to %s", what)
	}
}
