package config

import (
	"strings"
	"testing"
)

func TestChunkBytes(t *testing.T) {
	cases := []struct {
		text string
		want int64
	}{
		{"65536", 65536},
		{"32MiB", 32 << 20},
		{"32 MiB", 32 << 20},
		{"1GB", 1_000_000_000},
		{"512KiB", 512 << 10},
		{"2GiB", 2 << 30},
		{"100000B", 100_000},
		{"5MB", 5_000_000},
	}
	for _, c := range cases {
		cfg, err := Parse(strings.NewReader(header+"defaults:\n  chunk_bytes: "+c.text+"\ntables:\n  clinical.Patients: {chunk_bytes: "+c.text+"}\n"), "sluice.yaml")
		if err != nil {
			t.Errorf("chunk_bytes: %s: %v", c.text, err)
			continue
		}
		if cfg.Defaults.ChunkBytes != c.want || cfg.Tables[0].ChunkBytes != c.want {
			t.Errorf("chunk_bytes: %s = %d and %d, want %d", c.text, cfg.Defaults.ChunkBytes, cfg.Tables[0].ChunkBytes, c.want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{16 << 20: "16MiB", 1 << 30: "1GiB", 65 << 10: "65KiB", 1_000_000: "1000000B", 3: "3B"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %s, want %s", n, got, want)
		}
	}
}
