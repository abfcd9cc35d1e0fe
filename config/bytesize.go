package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits and default of chunk_bytes. The default keeps a default run (4
// workers, each holding at most four chunks: one being read, two queued,
// one loading) well under 300 MB whatever the row width: see
// docs/RELIABILITY.md, "Memory".
const (
	MinChunkBytes     = 64 << 10
	MaxChunkBytes     = 16 << 30
	DefaultChunkBytes = 8 << 20
)

// byteUnits are the suffixes a size may carry: SI units count in thousands,
// IEC units (KiB, MiB, GiB) in 1024s, as their names say.
var byteUnits = []struct {
	suffix string
	factor int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
}

// byteSize decodes a size in bytes: an integer, or a number with a unit
// ("32MiB", "1GB", "512 KiB"), in lo..hi.
func (d *decoder) byteSize(f field, lo, hi int64) (int64, bool) {
	s, ok := d.scalar(f, "a size such as 32MiB")
	if !ok {
		return 0, false
	}
	n, err := parseByteSize(s.node.Value)
	if err != nil || s.node.ShortTag() == "!!float" {
		d.fail(f.line, f.path, "expected a size in bytes such as 16MiB or 1GB (units B, KB, MB, GB, KiB, MiB, GiB), got %s", s.got())
		return 0, false
	}
	if n < lo || n > hi {
		d.fail(f.line, f.path, "must be between %s and %s, got %s", FormatBytes(lo), FormatBytes(hi), s.got())
		return 0, false
	}
	return n, true
}

// parseByteSize reads "16MiB", "1 GB", "65536" into bytes.
func parseByteSize(text string) (int64, error) {
	t := strings.TrimSpace(text)
	factor := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, factor = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/factor {
		return 0, fmt.Errorf("not a size: %q", text)
	}
	return n * factor, nil
}

// FormatBytes writes a size the way a config file may: in the largest IEC
// unit that divides it, else in bytes.
func FormatBytes(n int64) string {
	for i := 2; i >= 0; i-- {
		u := byteUnits[i]
		if n >= u.factor && n%u.factor == 0 {
			return strconv.FormatInt(n/u.factor, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}
